using System.Buffers;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// Echo (RFC 862): every byte received is sent back. The hot path of the
/// transport benchmark, so it is written for speed: one pooled buffer while
/// data flows, none while the connection is idle, no per-call cancellation
/// registrations (a stop aborts the connection instead).
/// </summary>
public static class EchoService
{
    public const int WellKnownPort = 7;
    public const int DefaultPort = 10007;
    // 64 KiB: a 16 KiB buffer halves the round trips of 64 KiB messages
    // (bench/ab.sh). The price: a client that sends and never reads pins one
    // buffer until its send completes or the idle timeout closes it.
    private const int BufferSize = 64 * 1024;

    public static async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        await using var stop = stopping.Register(static c => ((NetConnection)c!).Abort(), connection);
        while (true)
        {
            // Wait for data without holding a buffer: 10,000 idle clients cost no buffers.
            await connection.WaitForDataAsync(CancellationToken.None);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var n = await connection.ReceiveAsync(buffer, CancellationToken.None);
                if (n == 0)
                {
                    return;
                }

                await connection.SendAsync(buffer.AsMemory(0, n), CancellationToken.None);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            connection.Touch();
        }
    }

    public static ValueTask HandleDatagramAsync(DatagramContext datagram, CancellationToken cancellationToken) =>
        datagram.ReplyAsync(datagram.Payload, cancellationToken);
}
