using Microsoft.Extensions.Logging;
using NetKit.Services;
using NetKit.Smtp.Server;

namespace NetKit.Cli.Commands;

/// <summary>The stores a run of `netkit serve` opens for its services, closed when it ends.</summary>
internal sealed class ServeStores : IAsyncDisposable
{
    public ServeContext CreateContext(string dataDirectory, SmtpServerOptions smtp, ILoggerFactory logging)
    {
        _ = dataDirectory; // The mail store will live here (DIR/mail.db).
        return new ServeContext(logging, smtp, new InMemorySmtpMessageStore());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
