using System.Globalization;

namespace NetKit.Imap;

/// <summary>
/// One part of a BODYSTRUCTURE (or BODY) as a client reads it: a multipart with its children, or a
/// leaf with its type, parameters, encoding and size; <see cref="PartSpecifier"/> is what
/// BODY[...] calls it ("1.2"; "" for the whole message's body).
/// </summary>
public sealed record ImapBodyStructure(
    string PartSpecifier,
    string MediaType,
    string MediaSubtype,
    IReadOnlyDictionary<string, string> Parameters,
    string? ContentId,
    string? Description,
    string? Encoding,
    long Size,
    long? Lines,
    string? Disposition,
    IReadOnlyDictionary<string, string> DispositionParameters,
    IReadOnlyList<ImapBodyStructure> Parts,
    ImapEnvelope? Envelope)
{
    public bool IsMultipart => Parts.Count > 0 && MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase);

    /// <summary>This part and every part inside it, depth first.</summary>
    public IEnumerable<ImapBodyStructure> Walk() => Parts.SelectMany(p => p.Walk()).Prepend(this);

    public static ImapBodyStructure Parse(ImapValue value) => Parse(value, "", topLevel: true);

    private static ImapBodyStructure Parse(ImapValue value, string specifier, bool topLevel)
    {
        if (value.Kind != ImapValueKind.List || value.Items.Count == 0)
        {
            throw new ImapParseException("a body structure is a list");
        }

        var f = value.Items;
        if (f[0].Kind == ImapValueKind.List)
        {
            // multipart: its parts, then the subtype, then extension data.
            var parts = new List<ImapBodyStructure>();
            var i = 0;
            for (; i < f.Count && f[i].Kind == ImapValueKind.List; i++)
            {
                parts.Add(Parse(f[i], Child(specifier, i + 1), topLevel: false));
            }

            var subtype = i < f.Count ? f[i].Text ?? "mixed" : "mixed";
            var parameters = i + 1 < f.Count ? ReadParameters(f[i + 1]) : Empty;
            var (disposition, dispositionParameters) = i + 2 < f.Count ? ReadDisposition(f[i + 2]) : (null, Empty);
            return new ImapBodyStructure(specifier, "multipart", subtype, parameters, null, null, null, 0, null, disposition, dispositionParameters, parts, null);
        }

        if (f.Count < 7)
        {
            throw new ImapParseException("a body part has at least seven fields");
        }

        var type = f[0].Text ?? "text";
        var sub = f[1].Text ?? "plain";
        // A size sent as a string or an over-long atom: a number or a parse error, never an OverflowException.
        var size = f[6].Kind == ImapValueKind.Number ? f[6].Number
            : long.TryParse(f[6].Text ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ImapParseException($"a body part's size is not a number: \"{f[6].Text}\"");
        // A single-part message's body is part "1" (RFC 3501 section 6.4.5).
        var own = topLevel ? "1" : specifier;
        long? lines = null;
        ImapEnvelope? envelope = null;
        var nested = new List<ImapBodyStructure>();
        var next = 7;
        if (type.Equals("message", StringComparison.OrdinalIgnoreCase) && sub.Equals("rfc822", StringComparison.OrdinalIgnoreCase) && f.Count >= 10)
        {
            envelope = ImapEnvelope.Parse(f[7]);
            // The encapsulated message's parts are numbered under this one: a multipart's
            // children are own.1, own.2 ...; a single body is own.1.
            var inner = Parse(f[8], own, topLevel: false);
            nested.Add(inner.IsMultipart ? inner : inner with { PartSpecifier = Child(own, 1) });
            lines = f[9].Number;
            next = 10;
        }
        else if (type.Equals("text", StringComparison.OrdinalIgnoreCase) && f.Count >= 8)
        {
            lines = f[7].Number;
            next = 8;
        }

        var (disp, dispParams) = next + 1 < f.Count ? ReadDisposition(f[next + 1]) : (null, Empty);
        return new ImapBodyStructure(own, type, sub, ReadParameters(f[2]), f[3].Text, f[4].Text, f[5].Text, size, lines, disp, dispParams, nested, envelope);
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static string Child(string specifier, int number) =>
        specifier.Length == 0 ? number.ToString(CultureInfo.InvariantCulture) : $"{specifier}.{number.ToString(CultureInfo.InvariantCulture)}";

    private static Dictionary<string, string> ReadParameters(ImapValue value)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < value.Items.Count; i += 2)
        {
            parameters[value.Items[i].Text ?? ""] = value.Items[i + 1].Text ?? "";
        }

        return parameters;
    }

    private static (string?, IReadOnlyDictionary<string, string>) ReadDisposition(ImapValue value) =>
        value.Kind == ImapValueKind.List && value.Items.Count >= 2 ? (value.Items[0].Text, ReadParameters(value.Items[1])) : (null, Empty);
}
