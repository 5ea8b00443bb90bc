using Microsoft.Extensions.Logging;

namespace NetKit.Gopher.Server;

/// <summary>The Gopher server's log lines, with stable event ids (7xx).</summary>
internal static partial class GopherServerLog
{
    [LoggerMessage(700, LogLevel.Debug, "gopher: {Remote}: {Selector}: {Bytes} bytes")]
    public static partial void Served(ILogger logger, string remote, string selector, long bytes);

    [LoggerMessage(701, LogLevel.Debug, "gopher: {Remote}: {Selector}: not found")]
    public static partial void NotFound(ILogger logger, string remote, string selector);

    [LoggerMessage(702, LogLevel.Information, "gopher: {Remote}: sent no selector in time; closing")]
    public static partial void TimedOut(ILogger logger, string remote);
}
