using System.Globalization;

namespace NetKit.Smtp;

/// <summary>
/// What a server said it can do in its EHLO reply (RFC 5321 4.1.1.1): the raw
/// extension lines, and the ones a client acts on, parsed.
/// </summary>
public sealed class SmtpCapabilities
{
    private readonly Dictionary<string, string> _extensions;

    private SmtpCapabilities(string? serverName, Dictionary<string, string> extensions, IReadOnlyList<string> raw)
    {
        ServerName = serverName;
        _extensions = extensions;
        Extensions = raw;
        AuthenticationMechanisms = ParseMechanisms(extensions);
        if (extensions.TryGetValue("SIZE", out var size) && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0)
        {
            MaxSize = max;
        }
    }

    /// <summary>After HELO (or before any greeting): no extensions at all.</summary>
    public static SmtpCapabilities None { get; } = new(null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), []);

    /// <summary>The name the server gave on the first line of its EHLO reply.</summary>
    public string? ServerName { get; }

    /// <summary>Every extension line as the server wrote it, e.g. "SIZE 10240000", "AUTH PLAIN LOGIN".</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>SIZE was announced: the client may declare the size on MAIL FROM.</summary>
    public bool Size => Supports("SIZE");

    /// <summary>The largest message the server takes (SIZE n); null when it named no limit.</summary>
    public long? MaxSize { get; }

    public bool EightBitMime => Supports("8BITMIME");

    public bool SmtpUtf8 => Supports("SMTPUTF8");

    public bool Pipelining => Supports("PIPELINING");

    public bool Chunking => Supports("CHUNKING");

    public bool BinaryMime => Supports("BINARYMIME");

    public bool Dsn => Supports("DSN");

    public bool EnhancedStatusCodes => Supports("ENHANCEDSTATUSCODES");

    public bool StartTls => Supports("STARTTLS");

    /// <summary>The SASL mechanisms of "AUTH ..." (and the old "AUTH=..." form), upper case.</summary>
    public IReadOnlySet<string> AuthenticationMechanisms { get; }

    /// <summary>True when the server announced <paramref name="keyword"/> (case-insensitive).</summary>
    public bool Supports(string keyword) => _extensions.ContainsKey(keyword);

    /// <summary>The words after an extension's keyword ("10240000" for SIZE), or null when it was not announced.</summary>
    public string? ParametersOf(string keyword) => _extensions.GetValueOrDefault(keyword);

    /// <summary>Reads a 250 reply to EHLO: the first line is the server's name, each further line an extension.</summary>
    public static SmtpCapabilities Parse(SmtpReply ehlo)
    {
        ArgumentNullException.ThrowIfNull(ehlo);
        var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var raw = new List<string>();
        foreach (var line in ehlo.Lines.Skip(1))
        {
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            raw.Add(text);
            var split = text.IndexOfAny([' ', '=']);
            var keyword = split < 0 ? text : text[..split];
            var parameters = split < 0 ? string.Empty : text[(split + 1)..].Trim();
            if (keyword.Equals("AUTH", StringComparison.OrdinalIgnoreCase) && extensions.TryGetValue("AUTH", out var earlier))
            {
                parameters = $"{earlier} {parameters}"; // "AUTH PLAIN" and the old "AUTH=LOGIN" both count.
            }

            extensions[keyword] = parameters;
        }

        var first = ehlo.Lines[0].Trim();
        var space = first.IndexOf(' ', StringComparison.Ordinal);
        return new SmtpCapabilities(space < 0 ? first : first[..space], extensions, raw);
    }

    private static HashSet<string> ParseMechanisms(Dictionary<string, string> extensions)
    {
        var mechanisms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (extensions.TryGetValue("AUTH", out var words))
        {
            foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                mechanisms.Add(word.ToUpperInvariant());
            }
        }

        return mechanisms;
    }
}
