using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Ftp.Server;

/// <summary>Checks a login; returns the user's canonical name (the name of its folder), or null for a wrong name or password.</summary>
public delegate ValueTask<string?> FtpAuthenticator(string userName, string password, CancellationToken cancellationToken);

/// <summary>The settings of an FTP server. Every limit has a default.</summary>
public sealed record FtpServerOptions
{
    /// <summary>NetKit's own FTP port (21 + 2100), so that no root is needed.</summary>
    public const int DefaultPort = 2121;

    /// <summary>The folder holding one folder per user (created on first login) and, for anonymous access, <c>pub</c>.</summary>
    public required string Root { get; init; }

    /// <summary>Checks USER and PASS; without it only anonymous logins (when allowed) work.</summary>
    public FtpAuthenticator? Authenticate { get; init; }

    /// <summary>Lets "anonymous" (or "ftp") in, read-only, to ROOT/pub.</summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>When set, AUTH TLS and PROT P are offered (RFC 4217).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The first and last port PASV and EPSV listen on; 0 and 0 let the OS choose.</summary>
    public int PassivePortMin { get; init; }

    public int PassivePortMax { get; init; }

    /// <summary>The address a 227 reply names (a NAT's public address); default: the address the client reached.</summary>
    public IPAddress? PublicAddress { get; init; }

    /// <summary>How long a wrong password waits before its 530 (RFC 2577: slows guessing).</summary>
    public TimeSpan FailedLoginDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Wrong passwords before the server says 421 and closes.</summary>
    public int MaxFailedLogins { get; init; } = 3;

    /// <summary>How long the server waits for the data connection to open (and its TLS handshake to finish).</summary>
    public TimeSpan DataConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The time a client has to send its next whole command line, counted from its last command or
    /// from the end of its last transfer (paused while a transfer runs); past it the server says
    /// "421 Timeout" and closes the control connection (vsftpd's idle_session_timeout is 300 s).
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest command line, in bytes (a 1024-character path in UTF-8 fits).</summary>
    public int MaxLineLength { get; init; } = 4096;

    /// <summary>The size of each read and write of a transfer.</summary>
    public int TransferBufferSize { get; init; } = 256 * 1024;

    /// <summary>What the 220 greeting says.</summary>
    public string Greeting { get; init; } = "NetKit FTP server ready";
}
