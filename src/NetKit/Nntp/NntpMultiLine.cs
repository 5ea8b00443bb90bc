using System.Buffers;
using System.Text;
using NetKit.Smtp;
using NetKit.Transport;

namespace NetKit.Nntp;

/// <summary>
/// Multi-line data blocks (RFC 3977 3.1.1): lines ending in CRLF, a leading dot
/// doubled, the block ended by a lone dot. The same dot-stuffing as SMTP's DATA,
/// so this is SMTP's <see cref="DotStuffer"/> and <see cref="SmtpDataReader"/>.
/// </summary>
public static class NntpMultiLine
{
    /// <summary>Text lines as one block on the wire (dot-stuffed, terminated).</summary>
    public static void WriteLines(IEnumerable<string> lines, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            if (line.StartsWith('.'))
            {
                output.Write("."u8);
            }

            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
            var n = Encoding.UTF8.GetBytes(line, span);
            span[n] = (byte)'\r';
            span[n + 1] = (byte)'\n';
            output.Advance(n + 2);
        }

        output.Write(".\r\n"u8);
    }

    /// <summary>An article's bytes as a block: every line ending CRLF, dots doubled, the lone dot after.</summary>
    public static void WriteArticle(ReadOnlySpan<byte> article, IBufferWriter<byte> output)
    {
        var stuffer = new DotStuffer();
        stuffer.Encode(article, output);
        stuffer.Complete(output);
    }

    /// <summary>Reads a block up to the lone dot into <paramref name="content"/> (dots undone, CRLF kept).</summary>
    public static Task<SmtpDataOutcome> ReadAsync(LineReader reader, IBufferWriter<byte> content, long maxBytes, CancellationToken cancellationToken = default) =>
        SmtpDataReader.ReadAsync(reader, content, maxBytes, cancellationToken);

    /// <summary>A block's content as its lines (without CRLF).</summary>
    public static List<string> SplitLines(ReadOnlySpan<byte> content)
    {
        var lines = new List<string>();
        while (!content.IsEmpty)
        {
            var end = content.IndexOf("\r\n"u8);
            if (end < 0)
            {
                lines.Add(Encoding.UTF8.GetString(content));
                break;
            }

            lines.Add(Encoding.UTF8.GetString(content[..end]));
            content = content[(end + 2)..];
        }

        return lines;
    }
}
