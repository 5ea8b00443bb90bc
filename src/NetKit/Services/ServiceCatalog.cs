using Microsoft.Extensions.Logging;
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

    public bool SpeaksStream => StreamHandler is not null || StreamFactory is not null;

    /// <summary>True when the service needs a <see cref="ServeContext"/> to run.</summary>
    public bool NeedsContext => StreamFactory is not null;

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
        new("nntp", "RFC 3977 news server: groups, posting, overview (STARTTLS, AUTHINFO)", NetKit.Nntp.Server.NntpServer.DefaultPort, null, null)
        {
            StreamFactory = CreateNntp,
        },
    ];

    private static StreamService CreateSmtp(ServeContext context)
    {
        var server = new SmtpServer(context.MailStore, context.Smtp, context.Logging.CreateLogger("netkit.smtp"));
        return new StreamService(server.HandleAsync, server.RejectAsync);
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
