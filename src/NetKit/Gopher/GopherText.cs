using System.Buffers;
using NetKit.Smtp;

namespace NetKit.Gopher;

/// <summary>
/// Text items on the wire (RFC 1436 3.8): lines ended by CRLF, a line that begins
/// with a dot gets a second one, and a lone dot ends the text. The sending side is
/// SMTP's <see cref="DotStuffer"/>: the same rule, the same code.
/// </summary>
public static class GopherText
{
    /// <summary>The wire form of a whole text held in memory.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> text) => DotStuffer.Encode(text);

    /// <summary>Streams a text from <paramref name="source"/> in its wire form, lone dot included; returns the bytes sent.</summary>
    public static async Task<long> CopyEncodedAsync(Stream source, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        var stuffer = new DotStuffer();
        var output = new ArrayBufferWriter<byte>(16 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        long sent = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                stuffer.Encode(buffer.AsSpan(0, read), output);
                await send(output.WrittenMemory, cancellationToken);
                sent += output.WrittenCount;
                output.ResetWrittenCount();
            }

            stuffer.Complete(output);
            await send(output.WrittenMemory, cancellationToken);
            return sent + output.WrittenCount;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The lines of a text or menu as received, without line endings: up to a lone
    /// dot (or the end, for the servers that send none), with the doubled leading
    /// dot made single again.
    /// </summary>
    public static IEnumerable<string> Lines(string wire)
    {
        var start = 0;
        while (start < wire.Length)
        {
            var end = wire.IndexOf('\n', start);
            var line = end < 0 ? wire[start..] : wire[start..end];
            start = end < 0 ? wire.Length : end + 1;
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            if (line == ".")
            {
                yield break;
            }

            yield return line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line;
        }
    }

    /// <summary>A text as received, as the lines it holds joined by LF (the last one ended too).</summary>
    public static string Decode(string wire)
    {
        var lines = Lines(wire).ToList();
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }
}
