using System.Security.Cryptography.X509Certificates;
using NetKit.Sasl;

namespace NetKit.Nntp.Server;

/// <summary>How an <see cref="NntpServer"/> behaves; every limit has a default.</summary>
public sealed record NntpServerOptions
{
    /// <summary>The name in the greeting and in Path headers the server adds.</summary>
    public string HostName { get; init; } = "localhost";

    /// <summary>POST allowed (200 greeting) or not (201; POST answers 440).</summary>
    public bool PostingAllowed { get; init; } = true;

    /// <summary>The biggest article accepted by POST or IHAVE, in bytes.</summary>
    public long MaxArticleSize { get; init; } = 1024 * 1024;

    /// <summary>The longest command line (RFC 3977 3.1: 512 octets; a little room for long message-ids).</summary>
    public int MaxCommandLineLength { get; init; } = 2048;

    /// <summary>The longest line inside a posted article.</summary>
    public int MaxArticleLineLength { get; init; } = 64 * 1024;

    /// <summary>The most lines one OVER, HDR or LISTGROUP answers with; a bigger range is cut to this many.</summary>
    public int MaxRangeResults { get; init; } = 100_000;

    /// <summary>Errors (5xx) before the session is closed with 400.</summary>
    public int MaxErrors { get; init; } = 20;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The certificate for STARTTLS (RFC 4642); none: STARTTLS is not offered.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The users AUTHINFO checks (the mail store's); none: AUTHINFO is not offered.</summary>
    public ISaslCredentialStore? Users { get; init; }

    /// <summary>When true, reading and posting need a login first (480).</summary>
    public bool RequireAuthentication { get; init; }

    /// <summary>Allow AUTHINFO without TLS from loopback peers.</summary>
    public bool AllowPlaintextAuth { get; init; }

    public int MaxAuthFailures { get; init; } = 3;
}
