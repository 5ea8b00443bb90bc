namespace NetKit.Pop3.Client;

/// <summary>What CAPA said (RFC 2449 section 6): each line is a tag and its arguments.</summary>
public sealed class Pop3Capabilities
{
    private readonly Dictionary<string, IReadOnlyList<string>> _tags = new(StringComparer.OrdinalIgnoreCase);

    public Pop3Capabilities(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Lines = [.. lines];
        foreach (var line in Lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0)
            {
                _tags[words[0]] = words[1..];
            }
        }
    }

    /// <summary>An empty list: the server does not know CAPA (an RFC 1939 server).</summary>
    public static Pop3Capabilities None { get; } = new([]);

    public IReadOnlyList<string> Lines { get; }

    public bool Has(string tag) => _tags.ContainsKey(tag);

    /// <summary>The arguments after a tag (e.g. SASL's mechanisms); empty when it is absent.</summary>
    public IReadOnlyList<string> Arguments(string tag) => _tags.TryGetValue(tag, out var args) ? args : [];

    public bool Pipelining => Has("PIPELINING");

    public bool Stls => Has("STLS");

    public bool User => Has("USER");

    public bool Top => Has("TOP");

    public bool Uidl => Has("UIDL");

    public IReadOnlyList<string> SaslMechanisms => Arguments("SASL");

    public string? Implementation => _tags.TryGetValue("IMPLEMENTATION", out var args) ? string.Join(' ', args) : null;
}
