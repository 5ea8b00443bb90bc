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

    public string ToLine() => string.Join('\t',
        Number.ToString(CultureInfo.InvariantCulture), Clean(Subject), Clean(From), Clean(Date), Clean(MessageId), Clean(References),
        Bytes.ToString(CultureInfo.InvariantCulture), Lines.ToString(CultureInfo.InvariantCulture));

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

    private static string Clean(string value)
    {
        if (value.AsSpan().IndexOfAny('\t', '\r', '\n') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value);
        sb.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
        return sb.ToString();
    }
}
