using System.Text;

namespace NetKit.Nntp;

/// <summary>
/// The header section of an article read straight from its bytes (the article
/// itself is stored byte-exact; this is only for checking and for overview):
/// fields unfolded, names compared without case, the first of each name wins.
/// </summary>
public sealed class NntpArticleHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields;

    private NntpArticleHeaders(List<KeyValuePair<string, string>> fields, int bodyOffset, long bodyLines, bool malformed)
    {
        _fields = fields;
        BodyOffset = bodyOffset;
        BodyLines = bodyLines;
        Malformed = malformed;
    }

    /// <summary>Where the body starts (after the empty line), or the length when there is none.</summary>
    public int BodyOffset { get; }

    /// <summary>The body's lines (OVER's :lines).</summary>
    public long BodyLines { get; }

    /// <summary>True when a header line has no colon, or the header section never ends in an empty line.</summary>
    public bool Malformed { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>The first field of that name, unfolded and trimmed, or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _fields)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            return null;
        }
    }

    public static NntpArticleHeaders Parse(ReadOnlySpan<byte> article)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var malformed = false;
        var position = 0;
        string? name = null;
        var value = new StringBuilder();
        var bodyOffset = article.Length;
        var ended = false;
        while (position < article.Length)
        {
            var newline = article[position..].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? article.Length : position + newline;
            var next = newline < 0 ? article.Length : lineEnd + 1;
            var line = article[position..lineEnd];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            position = next;
            if (line.IsEmpty)
            {
                bodyOffset = position;
                ended = true;
                break;
            }

            var text = Encoding.UTF8.GetString(line);
            if (text[0] is ' ' or '\t')
            {
                if (name is null)
                {
                    malformed = true;
                }

                value.Append(' ').Append(text.Trim());
                continue;
            }

            Flush();
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || text[..colon].Any(c => c <= ' ' || c > '~'))
            {
                malformed = true;
                name = null;
                continue;
            }

            name = text[..colon];
            value.Append(text[(colon + 1)..].Trim());
        }

        Flush();
        long lines = 0;
        var body = article[Math.Min(bodyOffset, article.Length)..];
        if (!body.IsEmpty)
        {
            lines = body.Count((byte)'\n') + (body[^1] == (byte)'\n' ? 0 : 1);
        }

        return new NntpArticleHeaders(fields, bodyOffset, lines, malformed || !ended);

        void Flush()
        {
            if (name is not null)
            {
                fields.Add(new(name, value.ToString()));
            }

            name = null;
            value.Clear();
        }
    }

    /// <summary>True for "&lt;x@y&gt;" with no spaces and at most 250 octets (RFC 3977 3.6).</summary>
    public static bool IsMessageId(string? id) =>
        id is { Length: >= 3 and <= 250 } && id[0] == '<' && id[^1] == '>' && id.All(c => c > ' ' && c < 127) && id.IndexOf('>', StringComparison.Ordinal) == id.Length - 1;
}
