using NetKit.Transport;

namespace NetKit.Nntp.Client;

/// <summary>How an <see cref="NntpClient"/> connects and how long it waits.</summary>
public sealed record NntpClientOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Implicit TLS from the first byte (NNTPS, port 563 style).</summary>
    public bool ImplicitTls { get; init; }

    /// <summary>Accept any server certificate (self-signed test servers).</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>The biggest multi-line answer read (an article, an overview), in bytes.</summary>
    public long MaxResponseSize { get; init; } = 256L * 1024 * 1024;

    /// <summary>A C:/S: transcript; AUTHINFO passwords and SASL data are hidden.</summary>
    public WireTrace? Trace { get; init; }
}
