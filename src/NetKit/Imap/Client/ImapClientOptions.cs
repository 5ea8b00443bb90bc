using NetKit.Transport;

namespace NetKit.Imap.Client;

/// <summary>How the client protects the connection.</summary>
public enum ImapSecurity
{
    /// <summary>Plaintext only (a password then needs <see cref="ImapClientOptions.AllowPlaintextLogin"/>).</summary>
    None,

    /// <summary>STARTTLS when the server offers it, plaintext otherwise.</summary>
    StartTlsWhenAvailable,

    /// <summary>STARTTLS, or fail.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 993).</summary>
    Tls,
}

public sealed record ImapClientOptions
{
    public ImapSecurity Security { get; init; } = ImapSecurity.StartTlsWhenAvailable;

    /// <summary>Accept any server certificate (tests, self-signed local servers).</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>Send a password over a connection without TLS.</summary>
    public bool AllowPlaintextLogin { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = NetConnection.DefaultConnectTimeout;

    /// <summary>How long one command may take before the connection is given up.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A long IDLE is ended (DONE) and issued again after this long: RFC 2177 has servers drop an
    /// IDLE after 30 minutes of it, and asks clients to renew it at least every 29.
    /// </summary>
    public TimeSpan IdleRenewal { get; init; } = TimeSpan.FromMinutes(25);

    /// <summary>A C:/S: transcript, passwords and SASL data hidden.</summary>
    public WireTrace? Trace { get; init; }

    /// <summary>Limits for what the server sends (the literal size bounds a message fetched whole).</summary>
    public ImapLimits Limits { get; init; } = new() { MaxLiteralSize = 1L << 30, MaxLineLength = 1024 * 1024, MaxLiterals = 100_000 };
}
