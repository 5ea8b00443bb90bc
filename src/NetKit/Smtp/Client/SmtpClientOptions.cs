using System.Net.Security;
using NetKit.Transport;

namespace NetKit.Smtp;

/// <summary>How an <see cref="SmtpClient"/> protects the connection.</summary>
public enum SmtpSecurity
{
    /// <summary>Plaintext only; STARTTLS is never used, even when offered.</summary>
    None,

    /// <summary>
    /// STARTTLS is required: a server that does not offer it, or refuses it, is
    /// left at once. Nothing but EHLO is sent in plaintext (no downgrade).
    /// </summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it, plaintext otherwise (opportunistic).</summary>
    StartTlsWhenAvailable,

    /// <summary>TLS from the first byte (port 465, "submissions", RFC 8314).</summary>
    ImplicitTls,
}

/// <summary>Settings of an <see cref="SmtpClient"/>; every one has a safe default.</summary>
public sealed record SmtpClientOptions
{
    /// <summary>RFC 5321 4.5.3.2 suggests 5 minutes for most replies; it is the default here for each command.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromMinutes(5);

    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTlsWhenAvailable;

    /// <summary>
    /// The name sent with EHLO/HELO. Null: this machine's name when it is a valid
    /// domain, else the connection's local address as a literal ("[127.0.0.1]").
    /// </summary>
    public string? ClientName { get; init; }

    /// <summary>Accept any server certificate (self-signed test servers). Off by default.</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>A certificate check of the caller's own (pinning, a private CA); used unless <see cref="AcceptAnyCertificate"/>.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>How long opening the connection (DNS, TCP) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = NetConnection.DefaultConnectTimeout;

    /// <summary>How long each step (a command and its reply, the message data and its reply) may take.</summary>
    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>The C:/S: transcript (smtplib's set_debuglevel); AUTH data is always redacted.</summary>
    public WireTrace? Trace { get; init; }

    /// <summary>Allow PLAIN and LOGIN, which send the password itself, over a connection without TLS.</summary>
    public bool AllowPlaintextAuthentication { get; init; }

    /// <summary>Allow PLAIN and LOGIN without TLS when the server is on this machine (loopback); on by default.</summary>
    public bool AllowPlaintextAuthenticationOnLoopback { get; init; } = true;

    /// <summary>Use PIPELINING (RFC 2920) when the server offers it: MAIL, every RCPT and DATA go in one write.</summary>
    public bool UsePipelining { get; init; } = true;

    /// <summary>Send with BDAT (CHUNKING, RFC 3030) instead of DATA when the server offers it: no dot-stuffing, one round trip fewer.</summary>
    public bool PreferChunking { get; init; } = true;
}
