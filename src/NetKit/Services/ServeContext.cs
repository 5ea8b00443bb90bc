using Microsoft.Extensions.Logging;
using NetKit.Ftp.Server;
using NetKit.Gopher.Server;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Pop3.Server;
using NetKit.Smtp.Server;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// What one run of a server host (such as <c>netkit serve</c>) gives services that
/// keep state: their settings, the store they write to, the logging.
/// </summary>
public sealed record ServeContext(ILoggerFactory Logging, SmtpServerOptions Smtp, ISmtpMessageStore MailStore)
{
    /// <summary>NetKit's mail store itself, for the services that read it (IMAP); null when the host has none.</summary>
    public MailStore? Store { get; init; }

    /// <summary>The IMAP service's settings for this run.</summary>
    public ImapServerOptions Imap { get; init; } = new();

    /// <summary>POP3's settings for this run (its host name, certificate and password rule come from SMTP's); null: the defaults.</summary>
    public Pop3ServerOptions? Pop3 { get; init; }

    /// <summary>The FTP server's settings (root, logins from the mail store's users), when FTP is served.</summary>
    public FtpServerOptions? Ftp { get; init; }

    /// <summary>The Gopher service's settings (its root); null when the host did not give any.</summary>
    public GopherServerOptions? Gopher { get; init; }

    /// <summary>Telnet's settings (login or not); null: the defaults.</summary>
    public NetKit.Telnet.TelnetServerOptions? Telnet { get; init; }
    /// <summary>NNTP's settings and its news store (DIR/news.db), when this run serves news.</summary>
    public (NetKit.Nntp.Server.NntpServerOptions Options, NetKit.Nntp.NewsStore Store)? News { get; init; }

    /// <summary>
    /// The host's listeners as they are when called (so listeners started after a service
    /// still show), for status pages such as Telnet's; null when the host does not tell.
    /// </summary>
    public Func<IReadOnlyList<ListenerStatus>>? Listeners { get; init; }
}

/// <summary>One listener of a run: its service, where it listens, its connections open now and since it started (datagrams for a datagram listener, which has no connections open).</summary>
public sealed record ListenerStatus(string Service, string Endpoint, int ActiveConnections, long TotalConnections);

/// <summary>The stream side of a service for one run: its handler and what a refused connection hears.</summary>
public sealed record StreamService(ConnectionHandler Handler, Func<NetConnection, CancellationToken, Task>? OnRejected = null);
