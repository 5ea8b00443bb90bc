using System.Security.Cryptography.X509Certificates;

namespace NetKit.Imap.Server;

/// <summary>What an IMAP server says and its limits; every limit has a default.</summary>
public sealed record ImapServerOptions
{
    /// <summary>The name in the greeting.</summary>
    public string HostName { get; init; } = "localhost";

    /// <summary>The certificate for STARTTLS; none: STARTTLS is neither offered nor accepted.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>How long a STARTTLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Allow LOGIN and AUTHENTICATE without TLS, but only from loopback peers.</summary>
    public bool AllowPlaintextAuth { get; init; }

    /// <summary>Failed logins in one session before the server says BYE and closes.</summary>
    public int MaxAuthFailures { get; init; } = 3;

    /// <summary>The pause before answering a failed login; it grows with each failure, which slows guessing.</summary>
    public TimeSpan AuthFailureDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Sessions one user may have logged in at once (Dovecot's mail_max_userip_connections is 10; clients open several).</summary>
    public int MaxConnectionsPerUser { get; init; } = 50;

    /// <summary>Line, literal and nesting limits of the command codec.</summary>
    public ImapLimits Limits { get; init; } = new();

    /// <summary>
    /// The mailboxes every user gets at first login besides INBOX, with their RFC 6154 special use
    /// (Sent, Drafts, Trash, Junk, Archive), subscribed.
    /// </summary>
    public IReadOnlyList<string> SpecialMailboxes { get; init; } = ["Sent", "Drafts", "Trash", "Junk", "Archive"];

    /// <summary>
    /// Autologout (RFC 9051 section 5.4, at least 30 minutes): the time a client has to send one
    /// whole command line; past it the server says "* BYE Autologout; idle for too long" and closes.
    /// A literal being sent moves it on as its bytes arrive (a large APPEND is not cut mid-transfer),
    /// and an IDLE in progress is not under it: IDLE waits for DONE as long as the connection lives
    /// (clients renew IDLE every 29 minutes, RFC 9051 section 6.3.13).
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>During IDLE, "* OK still here" this often, so that NAT boxes and the idle timeout see traffic.</summary>
    public TimeSpan IdleKeepAlive { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A FETCH response is sent once this much of it has been built (a bound on memory for big fetches).</summary>
    public int OutputFlushThreshold { get; init; } = 256 * 1024;
}
