using System.Globalization;
using System.Text;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>Daytime (RFC 867): the date and time as a line of text, then the connection closes.</summary>
public static class DaytimeService
{
    public const int WellKnownPort = 13;
    public const int DefaultPort = 10013;

    private static TimeProvider Clock { get; } = TimeProvider.System;

    /// <summary>RFC 867 leaves the format open; this is its suggested "Weekday, Month Day, Year Time-Zone".</summary>
    public static string Format(DateTimeOffset now) =>
        now.ToString("dddd, MMMM d, yyyy HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture);

    public static async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        var writer = new LineWriter(connection);
        await writer.WriteLineAsync(Format(Clock.GetLocalNow()), stopping);
        connection.ShutdownSend();
    }

    public static ValueTask HandleDatagramAsync(DatagramContext datagram, CancellationToken cancellationToken) =>
        datagram.ReplyAsync(Encoding.ASCII.GetBytes(Format(Clock.GetLocalNow()) + "\r\n"), cancellationToken);
}
