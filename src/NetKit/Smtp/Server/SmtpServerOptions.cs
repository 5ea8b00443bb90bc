using System.Security.Cryptography.X509Certificates;
using NetKit.Sasl;

namespace NetKit.Smtp.Server;

/// <summary>
/// What an SMTP server says, whom it accepts mail for, and its limits. Every
/// limit has a default; the defaults are Postfix's where RFC 5321 leaves room.
/// </summary>
public sealed record SmtpServerOptions
{
    /// <summary>The name in the 220 greeting and the EHLO reply.</summary>
    public string HostName { get; init; } = "localhost";

    /// <summary>The words after the host name in the 220 greeting.</summary>
    public string Banner { get; init; } = "ESMTP NetKit";

    /// <summary>Domains whose users get mail here (case-insensitive). Anything else is relaying, refused unless <see cref="CatchAll"/>.</summary>
    public IReadOnlyList<string> LocalDomains { get; init; } = ["localhost"];

    /// <summary>
    /// Accept every recipient, on any domain, into a mailbox named by its full
    /// address (the Mailpit use case; safe on loopback, an open sink anywhere else).
    /// </summary>
    public bool CatchAll { get; init; }

    /// <summary>The biggest message accepted, in bytes (advertised as SIZE).</summary>
    public long MaxMessageSize { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// The message bytes all connections together may hold in memory while they
    /// receive (each holds its message until it is stored). A transaction that
    /// would go over it gets 452 4.3.1 (try later): at MAIL when SIZE= says so, or
    /// at the end of the message, which is read to its end and not kept. At least <see cref="MaxMessageSize"/>.
    /// </summary>
    public long MaxBufferedMessageBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Recipients per message; one more gets 452 4.5.3 (RFC 5321 asks servers to take at least 100).</summary>
    public int MaxRecipients { get; init; } = 1000;

    /// <summary>
    /// The longest command line, in bytes without CRLF. RFC 5321 says 512 and lets
    /// every extension add to it (SIZE, DSN, SMTPUTF8 addresses): 2048, as Postfix.
    /// Longer: 500 5.5.2. AUTH responses get the 12,288 bytes of RFC 4954 section 4.
    /// </summary>
    public int MaxCommandLineLength { get; init; } = 2048;

    /// <summary>
    /// The longest line inside DATA, in bytes without CRLF. RFC 5321's 998 is the
    /// sender's duty; real mail breaks it often (Postfix takes any length), so the
    /// limit is only a bound on memory: 64 KiB. Longer: the message gets 554 5.6.0.
    /// </summary>
    public int MaxDataLineLength { get; init; } = 64 * 1024;

    /// <summary>Refused commands in one session before the server says 421 4.7.0 and closes (Postfix's hard error limit).</summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>How long the server waits for a command (RFC 5321 4.5.3.2.7: at least 5 minutes); then 421 4.4.2.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the server waits for the next piece of a message during DATA or BDAT; then 421 4.4.2.</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Bytes per second a DATA body or BDAT chunk must average once it has taken longer than
    /// <see cref="DataTimeout"/> (Postfix's smtpd_min_data_rate, 500); slower: 421 4.4.2 and the
    /// close, nothing stored. 0: no minimum (a trickle is bounded only by the size limit).
    /// </summary>
    public int MinDataRate { get; init; } = 500;

    /// <summary>The certificate for STARTTLS; none: STARTTLS is neither offered nor accepted.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>How long a STARTTLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The users AUTH checks (the mail store is one); none: AUTH is neither offered nor accepted.</summary>
    public ISaslCredentialStore? Users { get; init; }

    /// <summary>Allow AUTH without TLS, but only from loopback peers (a password on the wire of this machine only).</summary>
    public bool AllowPlaintextAuth { get; init; }

    /// <summary>Failed AUTH attempts in one session before the server says 421 4.7.0 and closes.</summary>
    public int MaxAuthFailures { get; init; } = 3;

    /// <summary>The pause before answering a failed AUTH; it grows with each failure (1×, 2×, 3× ...), which slows guessing.</summary>
    public TimeSpan AuthFailureDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Called with every complete message before it is stored. Return null to
    /// accept it (it is then delivered to the store, and 250 follows once that is
    /// durable); return a reply to answer with it instead and store nothing: a
    /// 4xx or 5xx refuses the message, a 2xx accepts it without storing. An
    /// exception refuses it with 451 4.3.0.
    /// </summary>
    public Func<SmtpReceivedMessage, CancellationToken, ValueTask<SmtpReply?>>? OnMessage { get; init; }
}
