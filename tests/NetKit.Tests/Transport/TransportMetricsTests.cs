using System.Diagnostics.Metrics;
using System.Net;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class TransportMetricsTests
{
    [Fact]
    public async Task StreamServer_connection_isCountedOpenedThenClosed()
    {
        var service = $"metrics-{Guid.NewGuid():N}";
        var opened = 0L;
        var active = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TransportMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "service" && (string?)tag.Value == service)
                {
                    if (instrument.Name == "netkit.connections.opened") Interlocked.Add(ref opened, value);
                    if (instrument.Name == "netkit.connections.active") Interlocked.Add(ref active, value);
                }
            }
        });
        listener.Start();
        await using var server = new StreamServer(service, new IPEndPoint(IPAddress.Loopback, 0), (c, _) => Task.CompletedTask);
        server.Start();
        await using (await NetConnection.ConnectAsync(server.LocalEndPoint!))
        {
        }

        await StreamServerTests.WaitUntilAsync(() => Interlocked.Read(ref opened) == 1 && Interlocked.Read(ref active) == 0);
    }
}
