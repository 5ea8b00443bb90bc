using System.Security.Cryptography.X509Certificates;

namespace NetKit.Pop3.Server;

/// <summary>What a POP3 server says and its limits. Every limit has a default.</summary>
public sealed record Pop3ServerOptions
{
    /// <summary>The host name in the greeting and in APOP's timestamp.</summary>
    public string HostName { get; init; } = "localhost";

    /// <summary>What CAPA's IMPLEMENTATION line says.</summary>
    public string Implementation { get; init; } = "NetKit";

    /// <summary>The certificate for STLS; none: STLS is neither offered nor accepted.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>How long an STLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Allow USER/PASS and AUTH PLAIN/LOGIN without TLS, but only from loopback peers
    /// (RFC 2595 section 2.1: a password is not sent in the clear on a network).
    /// SCRAM-SHA-256 never shows the password and is offered with or without TLS.
    /// </summary>
    public bool AllowPlaintextLogin { get; init; }

    /// <summary>
    /// The longest command line in bytes, without CRLF. RFC 2449 section 4 says 255
    /// octets with CRLF; 512 leaves room for clients that pass it a little.
    /// </summary>
    public int MaxCommandLineLength { get; init; } = 512;

    /// <summary>The longest SASL response line (RFC 5034 lets it pass the command limit); RFC 4954's 12,288, as SMTP.</summary>
    public int MaxAuthLineLength { get; init; } = 12_288;

    /// <summary>Refused commands in one session before the server says -ERR and closes.</summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>Failed logins in one session before the server closes it.</summary>
    public int MaxLoginFailures { get; init; } = 3;

    /// <summary>The pause before answering a failed login; it grows with each failure (1×, 2×, 3× ...), which slows guessing.</summary>
    public TimeSpan LoginFailureDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The inactivity autologout timer (RFC 1939 section 3: at least 10 minutes).
    /// When it fires the session ends without the UPDATE state: nothing is deleted.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The least time between two logins to one maildrop (RFC 2449 section 6.5, LOGIN-DELAY):
    /// advertised in CAPA, and a login sooner gets -ERR [LOGIN-DELAY]. None by default.
    /// </summary>
    public TimeSpan? LoginDelay { get; init; }

    /// <summary>Output is sent when this much is waiting, even in the middle of a pipelined batch.</summary>
    public int OutputFlushThreshold { get; init; } = 64 * 1024;
}
