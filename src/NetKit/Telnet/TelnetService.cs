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
        var console = new NetKitConsole(context.Store, () =>
        [
            "services: " + string.Join(", ", ServiceCatalog.All.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} (default port {s.DefaultPort})"))),
            string.Create(CultureInfo.InvariantCulture, $"telnet sessions open: {server?.ActiveSessions ?? 0}"),
        ]);
        server = new TelnetServer(console.RunAsync, context.Telnet ?? new TelnetServerOptions(), context.Logging.CreateLogger("netkit.telnet"));
        return new StreamService(server.HandleAsync);
    }
}
