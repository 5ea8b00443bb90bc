using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace NetKit.Cli;

/// <summary>Server logs: one line each, with the time, on standard output.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.IncludeScopes = false;
            o.ColorBehavior = LoggerColorBehavior.Default;
        }));
}
