using System.Security.Cryptography;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// Character generator (RFC 864): over TCP, lines of 72 printable ASCII
/// characters, each starting one character further along, until the client
/// leaves; over UDP, a datagram of 0 to 512 characters for every one received.
/// </summary>
public static class ChargenService
{
    public const int WellKnownPort = 19;
    public const int DefaultPort = 10019;
    public const int LineLength = 72;
    private const int Printable = 95; // ' ' .. '~'

    /// <summary>One whole cycle: 95 lines of 72 characters plus CRLF; the stream repeats it.</summary>
    public static ReadOnlyMemory<byte> Cycle { get; } = BuildCycle();

    public static async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        await using var stop = stopping.Register(static c => ((NetConnection)c!).Abort(), connection);
        while (true)
        {
            await connection.WriteAsync(Cycle, CancellationToken.None);
        }
    }

    public static ValueTask HandleDatagramAsync(DatagramContext datagram, CancellationToken cancellationToken)
    {
        var length = RandomNumberGenerator.GetInt32(0, 513);
        return datagram.ReplyAsync(Cycle[..length], cancellationToken);
    }

    private static byte[] BuildCycle()
    {
        var cycle = new byte[Printable * (LineLength + 2)];
        var at = 0;
        for (var line = 0; line < Printable; line++)
        {
            for (var i = 0; i < LineLength; i++)
            {
                cycle[at++] = (byte)(' ' + ((line + i) % Printable));
            }

            cycle[at++] = (byte)'\r';
            cycle[at++] = (byte)'\n';
        }

        return cycle;
    }
}
