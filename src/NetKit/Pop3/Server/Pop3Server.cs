using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport;

namespace NetKit.Pop3.Server;

/// <summary>
/// A POP3 server (RFC 1939 with RFC 2449 CAPA and response codes, RFC 2595 STLS,
/// RFC 5034 AUTH): the protocol as a <see cref="ConnectionHandler"/> for
/// <see cref="StreamServer"/>, over any <see cref="IPop3MaildropSource"/>.
/// </summary>
public sealed class Pop3Server
{
    /// <summary>110 + 1000, so that no root is needed (the convention of `netkit serve`).</summary>
    public const int DefaultPort = 1110;

    private static readonly byte[] Busy = "-ERR [SYS/TEMP] too busy; try again later\r\n"u8.ToArray();

    public Pop3Server(IPop3MaildropSource maildrops, Pop3ServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(maildrops);
        Maildrops = maildrops;
        Options = options ?? new Pop3ServerOptions();
        Logger = logger ?? NullLogger.Instance;
    }

    public IPop3MaildropSource Maildrops { get; }

    public Pop3ServerOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>When each maildrop was last logged in to (for <see cref="Pop3ServerOptions.LoginDelay"/>).</summary>
    private readonly ConcurrentDictionary<string, long> _lastLogin = new(StringComparer.Ordinal);

    /// <summary>True, and the time noted, when <paramref name="maildrop"/> may be logged in to now.</summary>
    internal bool TryNoteLogin(string maildrop)
    {
        var now = Environment.TickCount64;
        if (Options.LoginDelay is not { } delay)
        {
            return true;
        }

        maildrop = maildrop.ToUpperInvariant(); // user names are case-insensitive

        while (true)
        {
            if (!_lastLogin.TryGetValue(maildrop, out var last))
            {
                if (_lastLogin.TryAdd(maildrop, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < (long)delay.TotalMilliseconds)
            {
                return false;
            }

            if (_lastLogin.TryUpdate(maildrop, now, last))
            {
                return true;
            }
        }
    }

    /// <summary>Serves one connection until the client quits, breaks a limit or leaves.</summary>
    public async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var session = new Pop3Session(this, connection, stopping);
        await session.RunAsync();
    }

    /// <summary>Starts listening on <paramref name="bindTo"/> (port 0: a free port, see <see cref="StreamServer.LocalEndPoint"/>).</summary>
    public StreamServer Listen(EndPoint bindTo, StreamServerOptions? transport = null, ILogger? logger = null)
    {
        var server = new StreamServer("pop3", bindTo, HandleAsync, WithRejection(transport ?? new StreamServerOptions()), logger ?? Logger);
        server.Start();
        return server;
    }

    /// <summary>The transport's options with POP3's words for a refused connection.</summary>
    public static StreamServerOptions WithRejection(StreamServerOptions transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return transport with { OnRejected = transport.OnRejected ?? RejectAsync };
    }

    /// <summary>Tells a connection refused by the transport's limits -ERR [SYS/TEMP].</summary>
    public static async Task RejectAsync(NetConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Trace?.Sent("-ERR [SYS/TEMP] too busy; try again later");
        await connection.SendAsync(Busy, cancellationToken);
    }
}
