namespace NetKit.Imap;

/// <summary>The character classes of RFC 3501's formal syntax (section 9).</summary>
public static class ImapGrammar
{
    /// <summary>ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ].</summary>
    public static bool IsAtomChar(byte b) =>
        b is > 0x20 and < 0x7f and not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR: ATOM-CHAR or ']'.</summary>
    public static bool IsAStringChar(byte b) => IsAtomChar(b) || b == (byte)']';

    /// <summary>A tag: ASTRING-CHARs except '+'.</summary>
    public static bool IsTagChar(byte b) => IsAStringChar(b) && b != (byte)'+';

    /// <summary>list-char: ATOM-CHAR, the wildcards % and *, and ']'.</summary>
    public static bool IsListChar(byte b) => IsAStringChar(b) || b is (byte)'%' or (byte)'*';

    /// <summary>True when <paramref name="text"/> can go on the wire as an atom (no quoting needed).</summary>
    public static bool IsAtom(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c > 0x7f || !IsAtomChar((byte)c))
            {
                return false;
            }
        }

        return true;
    }
}
