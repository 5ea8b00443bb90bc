using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport;

namespace NetKit.Nntp.Server;

/// <summary>
/// A news server (RFC 3977 reader and transit commands, RFC 4642 STARTTLS, RFC 4643
/// AUTHINFO) as a <see cref="ConnectionHandler"/> for <see cref="StreamServer"/>,
/// serving a <see cref="NewsStore"/>.
/// </summary>
public sealed class NntpServer
{
    public const int DefaultPort = 1119;

    public NntpServer(NewsStore store, NntpServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        Options = options ?? new NntpServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxArticleSize, 1, nameof(Options.MaxArticleSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxCommandLineLength, 512, nameof(Options.MaxCommandLineLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxRangeResults, 1, nameof(Options.MaxRangeResults));
        Logger = logger ?? NullLogger.Instance;
    }

    public NewsStore Store { get; }

    public NntpServerOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>Serves one connection until the client quits or leaves.</summary>
    public async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var session = new NntpSession(this, connection, stopping);
        await session.RunAsync();
    }

    /// <summary>Tells a connection refused by the transport's limits 400.</summary>
    public async Task RejectAsync(NetConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await new LineWriter(connection).WriteLineAsync("400 too many connections; try again later", cancellationToken);
    }

    /// <summary>Starts listening on <paramref name="bindTo"/> (port 0: a free port).</summary>
    public StreamServer Listen(EndPoint bindTo, StreamServerOptions? transport = null)
    {
        transport ??= new StreamServerOptions();
        var server = new StreamServer("nntp", bindTo, HandleAsync, transport with { OnRejected = transport.OnRejected ?? RejectAsync }, Logger);
        server.Start();
        return server;
    }
}
