using System.Buffers;
using System.Text;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// The seed's palindrome server (port 33333): answers every line with the line
/// reversed by grapheme cluster, with the line ending the client used.
/// A message sent with no line ending (as the seed's client does) is answered
/// once the client pauses. Invalid UTF-8 and overlong lines get a one-line
/// <c>error:</c> answer and the connection goes on.
/// </summary>
public static class ReverseService
{
    public const int DefaultPort = 33333;
    public const int MaxLineLength = 8192;

    /// <summary>How long a client may pause in the middle of a line before what it sent is answered.</summary>
    public static readonly TimeSpan PartialLinePause = TimeSpan.FromMilliseconds(200);

    public static async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        using var reader = new LineReader(connection, MaxLineLength);
        var writer = new LineWriter(connection);
        var sendsLineEndings = false;
        while (true)
        {
            // A client that ends its lines is answered per line; only one that has
            // never sent a line ending (the seed's) is answered when it pauses.
            var line = sendsLineEndings
                ? await reader.ReadLineAsync(stopping)
                : await reader.ReadLineAsync(PartialLinePause, stopping);
            sendsLineEndings |= line.Ending != LineEnding.None;
            switch (line.Status)
            {
                case LineStatus.Line:
                    await writer.WriteLineAsync(Answer(line.Bytes.Span), line.Ending, stopping);
                    break;
                case LineStatus.TooLong:
                    await writer.WriteLineAsync($"error: line longer than {MaxLineLength} bytes", line.Ending, stopping);
                    break;
                default:
                    if (!line.Bytes.IsEmpty)
                    {
                        // The client said its last words without a line ending and closed its side.
                        await writer.WriteLineAsync(Answer(line.Bytes.Span), LineEnding.None, stopping);
                    }

                    return;
            }
        }
    }

    /// <summary>One datagram in, its reverse out (a trailing line ending stays at the end).</summary>
    public static async ValueTask HandleDatagramAsync(DatagramContext datagram, CancellationToken cancellationToken)
    {
        var payload = datagram.Payload.Span;
        var ending = LineEnding.None;
        if (payload.EndsWith("\r\n"u8))
        {
            ending = LineEnding.CrLf;
            payload = payload[..^2];
        }
        else if (payload.EndsWith("\n"u8))
        {
            ending = LineEnding.Lf;
            payload = payload[..^1];
        }

        var answer = Answer(payload);
        var terminator = LineResult.Terminator(ending);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(answer.Length) + 2);
        try
        {
            var n = Encoding.UTF8.GetBytes(answer, buffer);
            terminator.CopyTo(buffer.AsSpan(n));
            await datagram.ReplyAsync(buffer.AsMemory(0, n + terminator.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The reversed text, or an error line for bytes that are not UTF-8.</summary>
    public static string Answer(ReadOnlySpan<byte> bytes) =>
        Utf8Text.TryDecode(bytes, out var text) ? TextElements.Reverse(text) : $"error: {Utf8Text.DescribeInvalid(bytes)}";
}
