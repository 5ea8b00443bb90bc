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
    public bool SpeaksStream => StreamHandler is not null;

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
    ];

    public static ServiceDefinition? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
