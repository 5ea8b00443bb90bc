using NetKit.Transport;

namespace NetKit.Ftp.Client;

/// <summary>How an <see cref="FtpClient"/> connects and moves data.</summary>
public sealed record FtpClientOptions
{
    /// <summary>TLS from the first byte (FTPS on port 990) instead of AUTH TLS on a plain connection.</summary>
    public bool ImplicitTls { get; init; }

    /// <summary>Accept any server certificate (self-signed test servers).</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>Passive mode (the client opens the data connection: EPSV, then PASV); false for active (EPRT/PORT).</summary>
    public bool Passive { get; init; } = true;

    /// <summary>How long to wait for the connection, a reply, or a data connection to open.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>C:</c>/<c>S:</c> transcript of the control connection; PASS is redacted.</summary>
    public WireTrace? Trace { get; init; }

    /// <summary>The size of each read and write of a transfer.</summary>
    public int TransferBufferSize { get; init; } = 256 * 1024;
}
