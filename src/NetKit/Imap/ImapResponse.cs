using System.Text;

namespace NetKit.Imap;

public enum ImapResponseKind
{
    /// <summary>"* ...": data, or a status without a tag.</summary>
    Untagged,

    /// <summary>"tag OK|NO|BAD ...": the end of a command.</summary>
    Tagged,

    /// <summary>"+ ...": the server waits for more (a literal, a SASL response, DONE).</summary>
    Continuation,
}

/// <summary>
/// One server response, parsed. A status (OK, NO, BAD, BYE, PREAUTH; tagged or not) has
/// <see cref="Status"/>, its response <see cref="Code"/> and <see cref="Text"/>; data ("* 3 EXISTS",
/// "* 1 FETCH (...)", "* LIST ...") has its <see cref="Name"/>, the leading <see cref="Number"/> if
/// any, and its <see cref="Values"/>.
/// </summary>
public sealed record ImapResponse(
    ImapResponseKind Kind,
    string? Tag,
    string Name,
    uint? Number,
    ImapStatus? Status,
    string? Code,
    string Text,
    IReadOnlyList<ImapValue> Values)
{
    public bool IsBye => Kind == ImapResponseKind.Untagged && Name == "BYE";

    /// <summary>Parses the lines and literals of one response (as <see cref="ImapCommandReader"/> reads them).</summary>
    public static ImapResponse Parse(ImapRawCommand raw, ImapLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var parser = new ImapParser(raw, limits);
        if (parser.TryTake('+'))
        {
            parser.TryTake(' ');
            return new ImapResponse(ImapResponseKind.Continuation, null, "+", null, null, null, Rest(parser), []);
        }

        var tag = parser.TryTake('*') ? null : parser.Tag();
        parser.Space();
        uint? number = null;
        if (parser.Peek() is >= (byte)'0' and <= (byte)'9')
        {
            number = parser.Number();
            parser.Space();
        }

        var name = parser.Keyword();
        if (number is null && name is "OK" or "NO" or "BAD" or "BYE" or "PREAUTH")
        {
            string? code = null;
            if (parser.TryTake(' ') && parser.TryTake('['))
            {
                code = parser.Take(b => b != (byte)']');
                parser.Expect(']');
                parser.TryTake(' ');
            }

            var status = name switch { "NO" => ImapStatus.No, "BAD" => ImapStatus.Bad, _ => ImapStatus.Ok };
            return new ImapResponse(tag is null ? ImapResponseKind.Untagged : ImapResponseKind.Tagged, tag, name, null, status, code, Rest(parser), []);
        }

        if (tag is not null)
        {
            throw new ImapParseException($"a tagged response must be OK, NO or BAD, not {name}");
        }

        var values = new List<ImapValue>();
        while (parser.TryTake(' '))
        {
            if (parser.AtEnd)
            {
                break; // a trailing space ("* SEARCH ")
            }

            values.Add(Value(parser));
        }

        parser.End();
        return new ImapResponse(ImapResponseKind.Untagged, null, name, number, null, null, "", values);
    }

    private static string Rest(ImapParser parser) => parser.Take(_ => true);

    /// <summary>One value: NIL, a number, an atom (with any [section] in it), a string, or a list.</summary>
    public static ImapValue Value(ImapParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        if (parser.PeekIs('"') || parser.PeekIs('{'))
        {
            return ImapValue.FromBytes(parser.StringBytes());
        }

        if (parser.TryTake('('))
        {
            parser.EnterNesting();
            var items = new List<ImapValue>();
            while (!parser.TryTake(')'))
            {
                if (items.Count > 0 && !parser.TryTake(' '))
                {
                    // Some servers put no space between lists: "(a)(b)".
                    if (!parser.PeekIs('('))
                    {
                        throw parser.Error("expected a space or ')'");
                    }
                }

                items.Add(Value(parser));
            }

            parser.LeaveNesting();
            return ImapValue.FromList(items);
        }

        var atom = new StringBuilder();
        while (true)
        {
            atom.Append(parser.Take(b => b > 0x20 && b < 0x7f && b is not ((byte)'(' or (byte)')' or (byte)'"' or (byte)'{' or (byte)'['  )));
            if (!parser.TryTake('['))
            {
                break;
            }

            atom.Append('[').Append(parser.Take(b => b != (byte)']')).Append(']');
            parser.Expect(']');
        }

        if (atom.Length == 0)
        {
            throw parser.Error("expected a value");
        }

        var text = atom.ToString();
        if (text.Equals("NIL", StringComparison.OrdinalIgnoreCase))
        {
            return ImapValue.Nil;
        }

        return text.All(char.IsAsciiDigit) && text.Length <= 18 ? ImapValue.FromNumber(long.Parse(text, System.Globalization.CultureInfo.InvariantCulture)) : ImapValue.FromAtom(text);
    }
}
