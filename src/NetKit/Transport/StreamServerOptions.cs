using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport;

/// <summary>The limits and settings of a stream server. Every limit has a default.</summary>
public sealed record StreamServerOptions
{
    /// <summary>Connections open at once; one more is refused (after <see cref="OnRejected"/> has had its say).</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Connections open at once from one peer address; one more is refused like one over <see cref="MaxConnections"/>.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 256;

    /// <summary>Apply <see cref="MaxConnectionsPerAddress"/> to loopback peers too (off: they are this machine's own programs).</summary>
    public bool LimitLoopbackPeers { get; init; }

    /// <summary>A connection with no traffic for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a graceful stop waits for sessions to finish before closing them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The listen queue of the socket.</summary>
    public int Backlog { get; init; } = 1024;

    /// <summary>When set, every connection starts with a TLS handshake (implicit TLS, as on ports 465, 993, 995).</summary>
    public X509Certificate2? ImplicitTlsCertificate { get; init; }

    /// <summary>A TLS handshake that takes longer than this is abandoned.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A wire trace for every connection (each line tagged with the connection number).</summary>
    public WireTrace? Trace { get; init; }

    /// <summary>
    /// Serve connections on NetKit's epoll transport (Linux x86-64; elsewhere
    /// .NET's sockets): a request and its reply cost two system calls, as in a
    /// C event loop. On by default; NETKIT_TRANSPORT=sockets switches it off
    /// for the whole process.
    /// </summary>
    public bool UseEpoll { get; init; } = true;

    /// <summary>Says "busy" in the protocol's words to a connection over the limit (SMTP: 421), before it is closed.</summary>
    public Func<NetConnection, CancellationToken, Task>? OnRejected { get; init; }
}
