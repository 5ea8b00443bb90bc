using System.Globalization;
using System.Text;

namespace NetKit.Imap;

/// <summary>What a FETCH asks for, one attribute at a time (RFC 3501 section 6.4.5).</summary>
public enum ImapFetchKind
{
    Flags,
    InternalDate,
    Rfc822Size,
    Envelope,
    Body,
    BodyStructure,
    Uid,
    Rfc822,
    Rfc822Header,
    Rfc822Text,
    BodySection,
}

/// <summary>The text part of a section: the whole part, or its header, some header fields, its text, or its MIME header.</summary>
public enum ImapSectionText
{
    None,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
}

/// <summary>A section spec: "1.2.HEADER.FIELDS (From To)" is part [1, 2], HeaderFields, ["From", "To"].</summary>
public sealed record ImapSection(IReadOnlyList<int> Part, ImapSectionText Text, IReadOnlyList<string> Fields)
{
    public static readonly ImapSection Whole = new([], ImapSectionText.None, []);

    /// <summary>The spec as it goes inside the brackets of a response.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(string.Join('.', Part.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        if (Text != ImapSectionText.None)
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append(Text switch
            {
                ImapSectionText.Header => "HEADER",
                ImapSectionText.HeaderFields => "HEADER.FIELDS",
                ImapSectionText.HeaderFieldsNot => "HEADER.FIELDS.NOT",
                ImapSectionText.Text => "TEXT",
                _ => "MIME",
            });
            if (Text is ImapSectionText.HeaderFields or ImapSectionText.HeaderFieldsNot)
            {
                sb.Append(" (").Append(string.Join(' ', Fields.Select(ImapResponseWriter.AString))).Append(')');
            }
        }

        return sb.ToString();
    }
}

/// <summary>One FETCH attribute; for BODY[...] its section, whether it is a PEEK and the partial range.</summary>
public sealed record ImapFetchItem(ImapFetchKind Kind, ImapSection? Section = null, bool Peek = false, long? PartialStart = null, long? PartialLength = null)
{
    /// <summary>The name the response gives the data: "BODY[1.TEXT]&lt;0&gt;", "RFC822.SIZE" ...</summary>
    public string ResponseName => Kind switch
    {
        ImapFetchKind.Flags => "FLAGS",
        ImapFetchKind.InternalDate => "INTERNALDATE",
        ImapFetchKind.Rfc822Size => "RFC822.SIZE",
        ImapFetchKind.Envelope => "ENVELOPE",
        ImapFetchKind.Body => "BODY",
        ImapFetchKind.BodyStructure => "BODYSTRUCTURE",
        ImapFetchKind.Uid => "UID",
        ImapFetchKind.Rfc822 => "RFC822",
        ImapFetchKind.Rfc822Header => "RFC822.HEADER",
        ImapFetchKind.Rfc822Text => "RFC822.TEXT",
        _ => $"BODY[{Section}]" + (PartialStart is { } start ? string.Create(CultureInfo.InvariantCulture, $"<{start}>") : ""),
    };

    /// <summary>True when fetching it sets \Seen (RFC 3501: BODY[...] and RFC822, RFC822.TEXT; never PEEK).</summary>
    public bool SetsSeen => Kind is ImapFetchKind.Rfc822 or ImapFetchKind.Rfc822Text || (Kind == ImapFetchKind.BodySection && !Peek);
}

/// <summary>The FETCH attribute grammar: an attribute, a macro (ALL, FAST, FULL) or a parenthesized list.</summary>
public static class ImapFetchParser
{
    public static IReadOnlyList<ImapFetchItem> Parse(ImapParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        var items = new List<ImapFetchItem>();
        if (parser.TryTake('('))
        {
            do
            {
                items.Add(Item(parser));
            }
            while (parser.TryTake(' '));
            parser.Expect(')');
            return items;
        }

        var name = Name(parser);
        switch (name)
        {
            case "ALL":
                return [new(ImapFetchKind.Flags), new(ImapFetchKind.InternalDate), new(ImapFetchKind.Rfc822Size), new(ImapFetchKind.Envelope)];
            case "FAST":
                return [new(ImapFetchKind.Flags), new(ImapFetchKind.InternalDate), new(ImapFetchKind.Rfc822Size)];
            case "FULL":
                return [new(ImapFetchKind.Flags), new(ImapFetchKind.InternalDate), new(ImapFetchKind.Rfc822Size), new(ImapFetchKind.Envelope), new(ImapFetchKind.Body)];
            default:
                return [Item(parser, name)];
        }
    }

    private static string Name(ImapParser parser) =>
        parser.Take(b => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.')
            .ToUpperInvariant() is { Length: > 0 } name ? name : throw parser.Error("expected a FETCH attribute");

    private static ImapFetchItem Item(ImapParser parser, string? name = null)
    {
        name ??= Name(parser);
        switch (name)
        {
            case "FLAGS": return new(ImapFetchKind.Flags);
            case "INTERNALDATE": return new(ImapFetchKind.InternalDate);
            case "RFC822.SIZE": return new(ImapFetchKind.Rfc822Size);
            case "ENVELOPE": return new(ImapFetchKind.Envelope);
            case "BODYSTRUCTURE": return new(ImapFetchKind.BodyStructure);
            case "UID": return new(ImapFetchKind.Uid);
            case "RFC822": return new(ImapFetchKind.Rfc822);
            case "RFC822.HEADER": return new(ImapFetchKind.Rfc822Header);
            case "RFC822.TEXT": return new(ImapFetchKind.Rfc822Text);
            case "BODY" when !parser.PeekIs('['): return new(ImapFetchKind.Body);
            case "BODY":
            case "BODY.PEEK":
                var section = Section(parser);
                long? start = null, length = null;
                if (parser.TryTake('<'))
                {
                    start = parser.Number64();
                    parser.Expect('.');
                    length = parser.Number64();
                    if (length == 0)
                    {
                        throw parser.Error("a partial fetch needs a length above 0");
                    }

                    parser.Expect('>');
                }

                return new(ImapFetchKind.BodySection, section, name == "BODY.PEEK", start, length);
            default:
                throw parser.Error($"unknown FETCH attribute \"{name}\"");
        }
    }

    /// <summary>"[" [section-spec] "]".</summary>
    private static ImapSection Section(ImapParser parser)
    {
        parser.Expect('[');
        var part = new List<int>();
        var text = ImapSectionText.None;
        var fields = new List<string>();
        while (!parser.TryTake(']'))
        {
            if (part.Count > 0 || text != ImapSectionText.None)
            {
                throw parser.Error("malformed section");
            }

            var word = parser.Take(b => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.')
                .ToUpperInvariant();
            var pieces = word.Split('.');
            var i = 0;
            for (; i < pieces.Length && pieces[i].Length > 0 && pieces[i].All(char.IsAsciiDigit); i++)
            {
                if (pieces[i][0] == '0' || pieces[i].Length > 9)
                {
                    throw parser.Error("section part numbers start at 1");
                }

                part.Add(int.Parse(pieces[i], CultureInfo.InvariantCulture));
            }

            var rest = string.Join('.', pieces[i..]);
            text = rest switch
            {
                "" when part.Count > 0 => ImapSectionText.None,
                "HEADER" => ImapSectionText.Header,
                "HEADER.FIELDS" => ImapSectionText.HeaderFields,
                "HEADER.FIELDS.NOT" => ImapSectionText.HeaderFieldsNot,
                "TEXT" => ImapSectionText.Text,
                "MIME" when part.Count > 0 => ImapSectionText.Mime,
                _ => throw parser.Error($"malformed section \"{word}\""),
            };
            if (text is ImapSectionText.HeaderFields or ImapSectionText.HeaderFieldsNot)
            {
                parser.Space();
                parser.Expect('(');
                do
                {
                    fields.Add(parser.AString());
                }
                while (parser.TryTake(' '));
                parser.Expect(')');
            }

            if (text == ImapSectionText.None && part.Count == 0)
            {
                throw parser.Error("malformed section");
            }
        }

        return new ImapSection(part, text, fields);
    }
}
