using NetKit.Transport;

namespace NetKit.Pop3.Client;

/// <summary>How a <see cref="Pop3Client"/> connects and its limits.</summary>
public sealed record Pop3ClientOptions
{
    /// <summary>How long connecting (and the TLS handshake) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = NetConnection.DefaultConnectTimeout;

    /// <summary>How long one command may wait for its whole response; then the connection is closed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Accept any server certificate (self-signed test servers). Never on the Internet.</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>The name the server's certificate must carry; the host connected to when null.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary>A <c>C:</c>/<c>S:</c> transcript, passwords and SASL data left out.</summary>
    public WireTrace? Trace { get; init; }

    /// <summary>The longest line read from the server (a message may have long lines; RFC 5322's 998 is often passed).</summary>
    public int MaxLineLength { get; init; } = 1024 * 1024;

    /// <summary>The biggest multi-line response accepted (a message from RETR).</summary>
    public long MaxResponseSize { get; init; } = 1L << 30;

    /// <summary>How many commands a pipelined batch sends before reading answers (RFC 2449 section 6.6).</summary>
    public int PipelineWindow { get; init; } = 32;
}

/// <summary>How the connection is secured.</summary>
public enum Pop3TlsMode
{
    /// <summary>Plaintext (STLS can still be called).</summary>
    None,

    /// <summary>Plaintext, then STLS before anything else; fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (POP3S, port 995).</summary>
    Implicit,
}

/// <summary>STAT: how many messages and their size in octets.</summary>
public readonly record struct Pop3Stat(int Count, long Size);

/// <summary>One line of LIST: a message number and its size in octets.</summary>
public readonly record struct Pop3ListEntry(int Number, long Size);

/// <summary>One line of UIDL: a message number and its unique id.</summary>
public readonly record struct Pop3UidEntry(int Number, string UniqueId);
