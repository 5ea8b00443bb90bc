using System.Globalization;
using System.Text;

namespace NetKit.Imap;

/// <summary>
/// Reads the arguments of one command (RFC 3501 section 9) left to right: atoms, quoted strings,
/// literals, lists, numbers, sequence sets, flags and dates. Anything off the grammar is an
/// <see cref="ImapParseException"/>, answered with BAD.
/// </summary>
public sealed class ImapParser(ImapRawCommand command, ImapLimits? limits = null)
{
    private readonly ImapLimits limits = limits ?? new ImapLimits();
    private int segment;
    private int offset;
    private int depth;

    private byte[] Line => command.Lines[segment];

    /// <summary>True at the end of the last line.</summary>
    public bool AtEnd => segment == command.Lines.Count - 1 && offset >= Line.Length;

    /// <summary>The next byte, or 0 at the end of a line.</summary>
    public byte Peek() => offset < Line.Length ? Line[offset] : (byte)0;

    public bool PeekIs(char c) => Peek() == (byte)c;

    /// <summary>Consumes <paramref name="c"/> if it is next.</summary>
    public bool TryTake(char c)
    {
        if (!PeekIs(c))
        {
            return false;
        }

        offset++;
        return true;
    }

    public void Expect(char c)
    {
        if (!TryTake(c))
        {
            throw Error(c == ' ' ? "expected a space" : $"expected '{c}'");
        }
    }

    public void Space() => Expect(' ');

    /// <summary>Nothing may follow: extra arguments are BAD.</summary>
    public void End()
    {
        if (!AtEnd)
        {
            throw Error("unexpected characters at the end of the command");
        }
    }

    /// <summary>The tag; ASTRING-CHARs except '+'.</summary>
    public string Tag()
    {
        var tag = Take(ImapGrammar.IsTagChar);
        return tag.Length > 0 ? tag : throw Error("missing tag");
    }

    /// <summary>An atom (a command name, a keyword, a search key).</summary>
    public string Atom()
    {
        var atom = Take(ImapGrammar.IsAtomChar);
        return atom.Length > 0 ? atom : throw Error("expected an atom");
    }

    /// <summary>An atom upper-cased: command names and keys compare case-insensitively.</summary>
    public string Keyword() => Atom().ToUpperInvariant();

    /// <summary>astring: an atom (']' allowed), a quoted string or a literal, as text.</summary>
    public string AString() => IsStringStart() ? String() : NonEmpty(Take(ImapGrammar.IsAStringChar), "expected a string");

    /// <summary>A quoted string or a literal, as text (UTF-8).</summary>
    public string String() => Encoding.UTF8.GetString(StringBytes());

    /// <summary>nstring: NIL or a string.</summary>
    public string? NString()
    {
        if (!IsStringStart())
        {
            var atom = Atom();
            return atom.Equals("NIL", StringComparison.OrdinalIgnoreCase) ? null : throw Error("expected a string or NIL");
        }

        return String();
    }

    /// <summary>A quoted string or a literal, as bytes (an APPENDed message).</summary>
    public byte[] StringBytes()
    {
        if (TryTake('"'))
        {
            return Quoted();
        }

        if (PeekIs('{'))
        {
            return Literal();
        }

        throw Error("expected a quoted string or a literal");
    }

    /// <summary>list-mailbox: list-chars (with the wildcards % and *) or a string.</summary>
    public string ListMailbox() => IsStringStart() ? String() : NonEmpty(Take(ImapGrammar.IsListChar), "expected a mailbox pattern");

    /// <summary>A number (RFC 3501: 0 to 2^32-1).</summary>
    public uint Number()
    {
        var digits = Take(b => b is >= (byte)'0' and <= (byte)'9');
        return digits.Length is > 0 and <= 10 && uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw Error("expected a number");
    }

    /// <summary>A number from 1 up.</summary>
    public uint NzNumber()
    {
        var n = Number();
        return n > 0 ? n : throw Error("expected a number above 0");
    }

    /// <summary>A 63-bit number (RFC 9051's number64: sizes, partial offsets).</summary>
    public long Number64()
    {
        var digits = Take(b => b is >= (byte)'0' and <= (byte)'9');
        return digits.Length is > 0 and <= 18 ? long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) : throw Error("expected a number");
    }

    public ImapSequenceSet SequenceSet()
    {
        var text = Take(b => b is (>= (byte)'0' and <= (byte)'9') or (byte)':' or (byte)',' or (byte)'*');
        return text.Length > 0 ? ImapSequenceSet.Parse(text) : throw Error("expected a sequence set");
    }

    /// <summary>A flag: "\Seen" and the other system flags, or a keyword atom.</summary>
    public string Flag()
    {
        var backslash = TryTake('\\');
        var name = Atom();
        return backslash ? "\\" + name : name;
    }

    /// <summary>"(" [flag *(SP flag)] ")".</summary>
    public IReadOnlyList<string> FlagList()
    {
        Expect('(');
        var flags = new List<string>();
        while (!TryTake(')'))
        {
            if (flags.Count > 0)
            {
                Space();
            }

            flags.Add(Flag());
        }

        return flags;
    }

    /// <summary>Flags in a list, or (STORE) without parentheses.</summary>
    public IReadOnlyList<string> FlagsOrList()
    {
        if (PeekIs('('))
        {
            return FlagList();
        }

        var flags = new List<string> { Flag() };
        while (TryTake(' '))
        {
            flags.Add(Flag());
        }

        return flags;
    }

    /// <summary>date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (a day below 10 may start with a space).</summary>
    public DateTimeOffset DateTime()
    {
        if (!TryTake('"'))
        {
            throw Error("expected a quoted date-time");
        }

        var text = Encoding.ASCII.GetString(Quoted());
        return TryParseDateTime(text, out var value) ? value : throw Error($"invalid date-time \"{text}\"");
    }

    /// <summary>The text of a date-time ("dd-Mon-yyyy hh:mm:ss +zzzz", quotes removed); false when it is not one.</summary>
    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        string[] formats = ["d-MMM-yyyy HH:mm:ss zzz", "dd-MMM-yyyy HH:mm:ss zzz"];
        var normalized = text.TrimStart();
        if (normalized.Length > 6 && normalized[^5] is '+' or '-')
        {
            normalized = normalized[..^2] + ":" + normalized[^2..]; // .NET's zzz wants +hh:mm
        }

        return DateTimeOffset.TryParseExact(normalized, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>date: d-Mon-yyyy, bare or quoted.</summary>
    public DateOnly Date()
    {
        var text = TryTake('"') ? Encoding.ASCII.GetString(Quoted()) : Atom();
        return DateOnly.TryParseExact(text, ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Error($"invalid date \"{text}\"");
    }

    /// <summary>Counts one level of parentheses in; BAD beyond the nesting limit.</summary>
    public void EnterNesting()
    {
        if (++depth > limits.MaxNesting)
        {
            throw Error($"parentheses nested deeper than {limits.MaxNesting}");
        }
    }

    public void LeaveNesting() => depth--;

    /// <summary>Characters while <paramref name="accept"/> holds, as ASCII text (the classes are all ASCII).</summary>
    public string Take(Func<byte, bool> accept)
    {
        var start = offset;
        while (offset < Line.Length && accept(Line[offset]))
        {
            offset++;
        }

        return Encoding.ASCII.GetString(Line, start, offset - start);
    }

    public ImapParseException Error(string message) => new(message);

    private bool IsStringStart() => PeekIs('"') || PeekIs('{');

    private string NonEmpty(string value, string message) => value.Length > 0 ? value : throw Error(message);

    /// <summary>After the opening quote: up to the closing one, with \" and \\ unescaped.</summary>
    private byte[] Quoted()
    {
        var bytes = new List<byte>();
        while (true)
        {
            if (offset >= Line.Length)
            {
                throw Error("unterminated quoted string");
            }

            var b = Line[offset++];
            if (b == (byte)'"')
            {
                return [.. bytes];
            }

            if (b == 0)
            {
                throw Error("a quoted string cannot hold NUL"); // RFC 9051 QUOTED-CHAR: CHAR is %x01-7F
            }

            if (b == (byte)'\\')
            {
                if (offset >= Line.Length || Line[offset] is not ((byte)'"' or (byte)'\\'))
                {
                    throw Error("a backslash in a quoted string escapes only \" or \\");
                }

                b = Line[offset++];
            }

            bytes.Add(b);
        }
    }

    /// <summary>"{n}" or "{n+}" at the end of this line: the literal that came after it; parsing goes on at the next line.</summary>
    private byte[] Literal()
    {
        if (segment >= command.Literals.Count || !ImapCommandReader.TryFindLiteral(Line.AsSpan(offset), out _, out _)
            || Line.AsSpan(offset + 1).IndexOf((byte)'{') >= 0)
        {
            throw Error("a literal's announcement must end its line");
        }

        var literal = command.Literals[segment];
        segment++;
        offset = 0;
        return literal;
    }
}
