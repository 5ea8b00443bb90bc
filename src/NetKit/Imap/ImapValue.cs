using System.Globalization;
using System.Text;

namespace NetKit.Imap;

public enum ImapValueKind
{
    Nil,
    Atom,
    Number,
    String,
    List,
}

/// <summary>
/// One value of a server response: NIL, an atom (a flag, a keyword, "BODY[1.MIME]&lt;0&gt;"), a
/// number, a string (quoted or literal, kept as bytes) or a parenthesized list of values.
/// </summary>
public sealed class ImapValue
{
    public static readonly ImapValue Nil = new(ImapValueKind.Nil, null, 0, null, null);

    private ImapValue(ImapValueKind kind, string? atom, long number, byte[]? bytes, IReadOnlyList<ImapValue>? items)
    {
        Kind = kind;
        Atom = atom;
        Number = number;
        Bytes = bytes;
        Items = items ?? [];
    }

    public ImapValueKind Kind { get; }

    public string? Atom { get; }

    public long Number { get; }

    public byte[]? Bytes { get; }

    public IReadOnlyList<ImapValue> Items { get; }

    /// <summary>An atom, a number or a string as text; null for NIL and lists.</summary>
    public string? Text => Kind switch
    {
        ImapValueKind.Atom => Atom,
        ImapValueKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        ImapValueKind.String => Encoding.UTF8.GetString(Bytes!),
        _ => null,
    };

    public static ImapValue FromAtom(string atom) => new(ImapValueKind.Atom, atom, 0, null, null);

    public static ImapValue FromNumber(long number) => new(ImapValueKind.Number, null, number, null, null);

    public static ImapValue FromBytes(byte[] bytes) => new(ImapValueKind.String, null, 0, bytes, null);

    public static ImapValue FromList(IReadOnlyList<ImapValue> items) => new(ImapValueKind.List, null, 0, null, items);

    public override string ToString() => Kind switch
    {
        ImapValueKind.Nil => "NIL",
        ImapValueKind.List => "(" + string.Join(' ', Items) + ")",
        ImapValueKind.String => ImapResponseWriter.CanQuote(Text!) ? ImapResponseWriter.Quote(Text!) : $"{{{Bytes!.Length}}}",
        _ => Text!,
    };
}
