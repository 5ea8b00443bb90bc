using System.Buffers;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>Discard (RFC 863): reads everything and answers nothing.</summary>
public static class DiscardService
{
    public const int WellKnownPort = 9;
    public const int DefaultPort = 10009;

    public static async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        await using var stop = stopping.Register(static c => ((NetConnection)c!).Abort(), connection);
        var stream = connection.Stream;
        while (true)
        {
            await connection.WaitForDataAsync(CancellationToken.None);
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                if (await stream.ReadAsync(buffer, CancellationToken.None) == 0)
                {
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            connection.Touch();
        }
    }

    public static ValueTask HandleDatagramAsync(DatagramContext datagram, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
