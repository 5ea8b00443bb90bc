using System.Diagnostics.Metrics;

namespace NetKit.Transport;

/// <summary>
/// The transport's counters (meter <c>NetKit.Transport</c>), tagged with the
/// service's name: what `dotnet-counters`, OpenTelemetry or the web console read.
/// </summary>
internal static class TransportMetrics
{
    public const string MeterName = "NetKit.Transport";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Opened = Meter.CreateCounter<long>("netkit.connections.opened", description: "Connections accepted and served.");
    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>("netkit.connections.rejected", description: "Connections refused at the connection limit.");
    private static readonly UpDownCounter<long> Active = Meter.CreateUpDownCounter<long>("netkit.connections.active", description: "Connections open now.");
    private static readonly Counter<long> IdleClosed = Meter.CreateCounter<long>("netkit.connections.idle_closed", description: "Connections closed for silence.");
    private static readonly Counter<long> Datagrams = Meter.CreateCounter<long>("netkit.datagrams.received", description: "Datagrams received.");

    public static void ConnectionOpened(string service)
    {
        var tag = new KeyValuePair<string, object?>("service", service);
        Opened.Add(1, tag);
        Active.Add(1, tag);
    }

    public static void ConnectionClosed(string service) => Active.Add(-1, new KeyValuePair<string, object?>("service", service));

    public static void ConnectionRejected(string service) => Rejected.Add(1, new KeyValuePair<string, object?>("service", service));

    public static void ConnectionIdleClosed(string service) => IdleClosed.Add(1, new KeyValuePair<string, object?>("service", service));

    public static void DatagramReceived(string service) => Datagrams.Add(1, new KeyValuePair<string, object?>("service", service));
}
