using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Mail;
using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Imap.Server;

/// <summary>
/// An IMAP4rev1 server (RFC 3501 with LITERAL+, SASL-IR, IDLE, UIDPLUS, MOVE, NAMESPACE, UNSELECT,
/// ENABLE, ID, CHILDREN and SPECIAL-USE) over a <see cref="MailStore"/>: the protocol as a
/// <see cref="ConnectionHandler"/> for <see cref="StreamServer"/>.
/// </summary>
public sealed class ImapServer
{
    public const int DefaultPort = 1143;

    private readonly ConcurrentDictionary<string, int> sessionsPerUser = new(StringComparer.Ordinal);

    public ImapServer(MailStore store, ImapServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        Options = options ?? new ImapServerOptions();
        Logger = logger ?? NullLogger.Instance;
    }

    public MailStore Store { get; }

    public ImapServerOptions Options { get; }

    internal ILogger Logger { get; }

    internal ImapRecentTracker Recent { get; } = new();

    /// <summary>The SASL mechanisms served.</summary>
    internal static IReadOnlyList<string> Mechanisms => SaslServer.Supported;

    /// <summary>Serves one connection until the client logs out or leaves.</summary>
    public async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Trace is { } trace)
        {
            trace.Redact = ImapTraceRedaction.Redact;
        }

        using var session = new ImapSession(this, connection, stopping);
        await session.RunAsync();
    }

    /// <summary>
    /// The transport settings IMAP wants: RFC 3501 section 5.4 asks for an autologout timer of at
    /// least 30 minutes (clients IDLE for 29), where the transport's default is 5.
    /// </summary>
    public static StreamServerOptions DefaultTransport => new() { IdleTimeout = TimeSpan.FromMinutes(31) };

    /// <summary>Starts listening on <paramref name="bindTo"/> (port 0: a free port, see <see cref="StreamServer.LocalEndPoint"/>).</summary>
    public StreamServer Listen(EndPoint bindTo, StreamServerOptions? transport = null, ILogger? logger = null)
    {
        var server = new StreamServer("imap", bindTo, HandleAsync, WithRejection(transport ?? DefaultTransport), logger ?? Logger);
        server.Start();
        return server;
    }

    /// <summary>The transport's options with IMAP's words for a refused connection ("* BYE").</summary>
    public StreamServerOptions WithRejection(StreamServerOptions transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return transport with { OnRejected = transport.OnRejected ?? RejectAsync };
    }

    /// <summary>Tells a connection refused by the transport's limits "* BYE" (for <see cref="StreamServerOptions.OnRejected"/>).</summary>
    public static async Task RejectAsync(NetConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await new ImapResponseWriter(connection).Untagged("BYE too many connections; try again later").FlushAsync(cancellationToken);
    }

    internal bool TryEnterUser(string user)
    {
        var now = sessionsPerUser.AddOrUpdate(user, 1, (_, n) => n + 1);
        if (now <= Options.MaxConnectionsPerUser)
        {
            return true;
        }

        LeaveUser(user);
        return false;
    }

    internal void LeaveUser(string user) => sessionsPerUser.AddOrUpdate(user, 0, (_, n) => Math.Max(0, n - 1));
}
