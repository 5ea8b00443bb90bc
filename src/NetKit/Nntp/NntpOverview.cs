using System.Buffers;
using System.Globalization;
using System.Text;

namespace NetKit.Nntp;

/// <summary>
/// One line of OVER output (RFC 3977 8.3): the article number, then Subject,
/// From, Date, Message-ID, References, :bytes and :lines, separated by TAB.
/// Values are the headers unfolded, with TAB, CR and LF made spaces so a
/// value never breaks the line.
/// </summary>
public sealed record NntpOverview(long Number, string Subject, string From, string Date, string MessageId, string References, long Bytes, long Lines)
{
    /// <summary>LIST OVERVIEW.FMT: the fields in order, as RFC 3977 8.4 names them.</summary>
    public static IReadOnlyList<string> Format { get; } = ["Subject:", "From:", "Date:", "Message-ID:", "References:", ":bytes", ":lines"];

    public string ToLine()
    {
        var line = new ArrayBufferWriter<byte>(256);
        WriteLine(line);
        return Encoding.UTF8.GetString(line.WrittenSpan[..^2]);
    }

    /// <summary>
    /// The line in UTF-8 with its CRLF, straight into <paramref name="output"/> (OVER writes
    /// thousands of these; no string per line). It starts with a digit, so it never needs a dot doubled.
    /// </summary>
    public void WriteLine(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteNumber(output, Number);
        foreach (var field in (ReadOnlySpan<string>)[Subject, From, Date, MessageId, References])
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(field.Length) + 1);
            span[0] = (byte)'\t';
            var value = span.Slice(1, Encoding.UTF8.GetBytes(field, span[1..]));
            // TAB, CR and LF inside a value would break the line: they become spaces.
            value.Replace((byte)'\t', (byte)' ');
            value.Replace((byte)'\r', (byte)' ');
            value.Replace((byte)'\n', (byte)' ');
            output.Advance(value.Length + 1);
        }

        output.Write("\t"u8);
        WriteNumber(output, Bytes);
        output.Write("\t"u8);
        WriteNumber(output, Lines);
        output.Write("\r\n"u8);
    }

    public static bool TryParse(string line, out NntpOverview overview)
    {
        overview = null!;
        var f = line.Split('\t');
        if (f.Length < 8 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        // Some servers leave :bytes or :lines empty; they read as 0.
        _ = long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes);
        _ = long.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var lines);
        overview = new NntpOverview(number, f[1], f[2], f[3], f[4], f[5], bytes, lines);
        return true;
    }

    /// <summary>The overview of a stored article: its headers and its size.</summary>
    public static NntpOverview FromArticle(long number, NntpArticleHeaders headers, long bytes) =>
        new(number, headers["Subject"] ?? "", headers["From"] ?? "", headers["Date"] ?? "", headers["Message-ID"] ?? "",
            headers["References"] ?? "", bytes, headers.BodyLines);

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        output.Advance(n);
    }
}
