using Microsoft.Extensions.Logging;
using NetKit.Ftp.Server;
using NetKit.Gopher.Server;
using NetKit.Pop3.Server;
using NetKit.Imap.Server;
using NetKit.Smtp.Server;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// A service NetKit can serve: its name, its default port on loopback, and its
/// handlers for stream sockets (TCP, Unix) and datagram sockets (UDP, Unix).
/// </summary>
public sealed record ServiceDefinition(
    string Name,
    string Description,
    int DefaultPort,
    ConnectionHandler? StreamHandler,
    DatagramHandler? DatagramHandler)
{
    /// <summary>
    /// For a service with state for each run (SMTP: its options and mail store):
    /// makes the stream side from the host's context. Used when <see cref="StreamHandler"/> is null.
    /// </summary>
    public Func<ServeContext, StreamService>? StreamFactory { get; init; }

    /// <summary>
    /// For a service with a listener of its own (the web console on Kestrel): makes it from the
    /// host's context. The host binds it instead of a <see cref="StreamServer"/>.
    /// </summary>
    public Func<ServeContext, IHostedListener>? HostedFactory { get; init; }

    public bool SpeaksStream => StreamHandler is not null || StreamFactory is not null || HostedFactory is not null;

    /// <summary>True when the service needs a <see cref="ServeContext"/> to run.</summary>
    public bool NeedsContext => StreamFactory is not null || HostedFactory is not null;

    /// <summary>The stream side for one run; <paramref name="context"/> may be null for services that keep no state.</summary>
    public StreamService CreateStream(ServeContext? context)
    {
        if (StreamHandler is not null)
        {
            return new StreamService(StreamHandler);
        }

        if (StreamFactory is null)
        {
            throw new InvalidOperationException($"{Name} does not speak streams");
        }

        return StreamFactory(context ?? throw new ArgumentNullException(nameof(context), $"{Name} needs a serve context"));
    }

    public bool SpeaksDatagram => DatagramHandler is not null;
}

/// <summary>
/// Every service `netkit serve` knows. The classic simple services listen on
/// their well-known port plus 10000 by default, so that no root is needed.
/// </summary>
public static class ServiceCatalog
{
    public static IReadOnlyList<ServiceDefinition> All { get; } =
    [
        new("greeting", "says 'Thank you for connecting' and closes", GreetingService.DefaultPort, GreetingService.HandleAsync, null),
        new("reverse", "answers each line reversed (Unicode-correct)", ReverseService.DefaultPort, ReverseService.HandleAsync, ReverseService.HandleDatagramAsync),
        new("echo", "RFC 862: sends back what it receives", EchoService.DefaultPort, EchoService.HandleAsync, EchoService.HandleDatagramAsync),
        new("discard", "RFC 863: throws away what it receives", DiscardService.DefaultPort, DiscardService.HandleAsync, DiscardService.HandleDatagramAsync),
        new("daytime", "RFC 867: the date and time as text", DaytimeService.DefaultPort, DaytimeService.HandleAsync, DaytimeService.HandleDatagramAsync),
        new("chargen", "RFC 864: a stream of printable characters", ChargenService.DefaultPort, ChargenService.HandleAsync, ChargenService.HandleDatagramAsync),
        new("smtp", "RFC 5321 mail server: stores what it receives (STARTTLS, AUTH, PIPELINING, CHUNKING)", SmtpServer.DefaultPort, null, null)
        {
            StreamFactory = CreateSmtp,
        },
        new("pop3", "RFC 1939 mail retrieval from the mail store (STLS, SASL, UIDL, TOP, PIPELINING)", Pop3Server.DefaultPort, null, null)
        {
            StreamFactory = CreatePop3,
        },
        new("imap", "RFC 3501 mail access to the mail store (STARTTLS, IDLE, MOVE, UIDPLUS, SPECIAL-USE)", ImapServer.DefaultPort, null, null)
        {
            StreamFactory = CreateImap,
        },
        new("ftp", "RFC 959 file server: each user jailed in ROOT/USER (AUTH TLS, EPSV, MLSD, REST, UTF-8)", FtpServerOptions.DefaultPort, null, null)
        {
            StreamFactory = CreateFtp,
        },
        new("gopher", "RFC 1436 Gopher server: serves a directory (menus, gophermaps, text, binary, search)", GopherServer.DefaultPort, null, null)
        {
            StreamFactory = CreateGopher,
        },
        new("telnet", "RFC 854 console: help, status, reverse, users, mailboxes", NetKit.Telnet.TelnetServerOptions.DefaultPort, null, null)
        {
            StreamFactory = NetKit.Telnet.TelnetService.Create,
        },
        new("nntp", "RFC 3977 news server: groups, posting, overview (STARTTLS, AUTHINFO)", NetKit.Nntp.Server.NntpServer.DefaultPort, null, null)
        {
            StreamFactory = CreateNntp,
        },
    ];

    private static StreamService CreateFtp(ServeContext context) =>
        new(FtpSession.Handler(context.Ftp ?? throw new InvalidOperationException("ftp needs its options in the serve context"), context.Logging.CreateLogger("netkit.ftp")), FtpSession.RejectAsync);

    private static StreamService CreateSmtp(ServeContext context)
    {
        var server = new SmtpServer(context.MailStore, context.Smtp, context.Logging.CreateLogger("netkit.smtp"));
        return new StreamService(server.HandleAsync, server.RejectAsync);
    }

    /// <summary>POP3 reads the mail store SMTP delivers to, with SMTP's certificate and its rule for passwords without TLS.</summary>
    private static StreamService CreatePop3(ServeContext context)
    {
        var store = context.Store ?? throw new InvalidOperationException("pop3 needs the mail store in the serve context");

        var options = (context.Pop3 ?? new Pop3ServerOptions()) with
        {
            HostName = context.Smtp.HostName,
            Certificate = context.Smtp.Certificate,
            AllowPlaintextLogin = context.Smtp.AllowPlaintextAuth,
        };
        var server = new Pop3Server(new MailStoreMaildrops(store), options, context.Logging.CreateLogger("netkit.pop3"));
        return new StreamService(server.HandleAsync, Pop3Server.RejectAsync);
    }

    /// <summary>IMAP serves the mail store SMTP delivers to, with SMTP's certificate and its rule for passwords without TLS.</summary>
    private static StreamService CreateImap(ServeContext context)
    {
        var store = context.Store ?? throw new InvalidOperationException("imap needs the mail store in the serve context");
        var server = new ImapServer(store, context.Imap, context.Logging.CreateLogger("netkit.imap"));
        return new StreamService(server.HandleAsync, ImapServer.RejectAsync);
    }

    private static StreamService CreateGopher(ServeContext context)
    {
        var options = context.Gopher ?? throw new InvalidOperationException("gopher needs its options (a root) in the serve context");
        GopherServer.CreateWelcome(options.Root); // Only when the root does not exist yet.
        var server = new GopherServer(options, context.Logging.CreateLogger("netkit.gopher"));
        return new StreamService(server.HandleAsync);
    }

    private static StreamService CreateNntp(ServeContext context)
    {
        var (options, store) = context.News ?? throw new InvalidOperationException("nntp needs the news store in its serve context");
        var server = new NetKit.Nntp.Server.NntpServer(store, options, context.Logging.CreateLogger("netkit.nntp"));
        return new StreamService(server.HandleAsync, server.RejectAsync);
    }

    public static ServiceDefinition? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
