using System.Diagnostics.Metrics;

namespace NetKit.Smtp.Server;

/// <summary>The SMTP server's counters (meter <c>NetKit.Smtp</c>): what `dotnet-counters` or OpenTelemetry read.</summary>
internal static class SmtpServerMetrics
{
    public const string MeterName = "NetKit.Smtp";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("netkit.smtp.messages.accepted", description: "Messages answered 250 (stored, or accepted by the hook).");
    private static readonly Counter<long> AcceptedBytes = Meter.CreateCounter<long>("netkit.smtp.messages.bytes", unit: "By", description: "Bytes of accepted messages.");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("netkit.smtp.messages.refused", description: "Complete messages refused, by reason.");
    private static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>("netkit.smtp.auth.failures", description: "Failed AUTH attempts.");

    public static void MessageAccepted(int bytes)
    {
        Accepted.Add(1);
        AcceptedBytes.Add(bytes);
    }

    /// <summary><paramref name="reason"/>: too_big, bare_lf, line_too_long, hook, store.</summary>
    public static void MessageRefused(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void AuthFailed() => AuthFailures.Add(1);
}
