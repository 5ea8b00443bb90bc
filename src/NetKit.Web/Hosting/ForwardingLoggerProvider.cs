using Microsoft.Extensions.Logging;

namespace NetKit.Web.Hosting;

/// <summary>Hands ASP.NET Core's loggers to the host's logger factory, so the web service logs where every other service does.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The host owns the factory.
    }
}
