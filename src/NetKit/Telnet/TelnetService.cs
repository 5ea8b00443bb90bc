using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Services;

namespace NetKit.Telnet;

/// <summary>`netkit serve telnet`: the NetKit console behind Telnet, over the run's mail store.</summary>
public static class TelnetService
{
    public static StreamService Create(ServeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TelnetServer? server = null;
        var console = new NetKitConsole(context.Store, () => StatusLines(context.Listeners, server?.ActiveSessions ?? 0));
        server = new TelnetServer(console.RunAsync, context.Telnet ?? new TelnetServerOptions(), context.Logging.CreateLogger("netkit.telnet"));
        return new StreamService(server.HandleAsync);
    }

    /// <summary>
    /// The console's `status` lines: the services NetKit has, one line per listener of this
    /// run (service, endpoint, connections open, connections in all), telnet's sessions.
    /// </summary>
    public static IReadOnlyList<string> StatusLines(Func<IReadOnlyList<ListenerStatus>>? listeners, int telnetSessions)
    {
        var lines = new List<string>
        {
            "services: " + string.Join(", ", ServiceCatalog.All.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} (default port {s.DefaultPort})"))),
        };
        var running = listeners?.Invoke() ?? [];
        if (running.Count == 0)
        {
            lines.Add("listeners: unknown");
        }

        foreach (var l in running)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"listening: {l.Service} {l.Endpoint} active {l.ActiveConnections} total {l.TotalConnections}"));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"telnet sessions open: {telnetSessions}"));
        return lines;
    }
}
