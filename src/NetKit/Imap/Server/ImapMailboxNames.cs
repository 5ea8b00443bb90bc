using NetKit.Mail;

namespace NetKit.Imap.Server;

/// <summary>Mailbox names: the hierarchy delimiter, INBOX, special use, and LIST's wildcards.</summary>
internal static class ImapMailboxNames
{
    public const char Delimiter = '/';

    /// <summary>A name from the wire: INBOX in any case is INBOX; the rest is modified UTF-7, decoded. Invalid: BAD.</summary>
    public static string FromWire(string name)
    {
        if (name.Equals(MailStore.Inbox, StringComparison.OrdinalIgnoreCase))
        {
            return MailStore.Inbox;
        }

        if (!ImapUtf7.TryDecode(name, out var decoded))
        {
            throw new ImapParseException($"mailbox name \"{name}\" is not valid modified UTF-7");
        }

        // INBOX/child keeps INBOX in upper case too.
        return decoded.StartsWith(MailStore.Inbox + Delimiter, StringComparison.OrdinalIgnoreCase)
            ? MailStore.Inbox + decoded[MailStore.Inbox.Length..]
            : decoded;
    }

    /// <summary>True when a name can be created: no empty level, no wildcard, no control character.</summary>
    public static bool IsValidNew(string name) =>
        name.Length is > 0 and <= 512
        && !name.Split(Delimiter).Any(level => level.Length == 0)
        && !name.Any(c => char.IsControl(c) || c is '*' or '%');

    /// <summary>The names above <paramref name="name"/>: "a/b/c" → "a", "a/b".</summary>
    public static IEnumerable<string> Parents(string name)
    {
        for (var i = name.IndexOf(Delimiter, StringComparison.Ordinal); i > 0; i = name.IndexOf(Delimiter, i + 1))
        {
            yield return name[..i];
        }
    }

    /// <summary>The RFC 6154 attribute of a top-level special mailbox, or null.</summary>
    public static string? SpecialUse(string name, IReadOnlyList<string> specials) =>
        specials.Contains(name, StringComparer.Ordinal) ? "\\" + name : null;

    /// <summary>LIST's match: '*' is anything, '%' anything but the delimiter; INBOX matches in any case.</summary>
    public static bool Matches(string pattern, string name)
    {
        if (name == MailStore.Inbox || name.StartsWith(MailStore.Inbox + Delimiter, StringComparison.Ordinal))
        {
            // INBOX is case-insensitive; compare the pattern's first five characters as upper case.
            var head = pattern.Length >= 5 ? pattern[..5].ToUpperInvariant() : pattern.ToUpperInvariant();
            pattern = head + (pattern.Length > 5 ? pattern[5..] : "");
        }

        return Match(pattern, 0, name, 0);
    }

    private static bool Match(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            var c = pattern[p];
            if (c is '*' or '%')
            {
                // Try every length the wildcard can take (patterns are short; names too).
                for (var end = n; end <= name.Length; end++)
                {
                    if (Match(pattern, p + 1, name, end))
                    {
                        return true;
                    }

                    if (end < name.Length && c == '%' && name[end] == Delimiter)
                    {
                        return false;
                    }
                }

                return false;
            }

            if (n >= name.Length || name[n] != c)
            {
                return false;
            }

            p++;
            n++;
        }

        return n == name.Length;
    }

    /// <summary>The name as it goes on the wire: modified UTF-7, as an atom or a quoted string.</summary>
    public static string ToWire(string name)
    {
        var encoded = ImapUtf7.Encode(name);
        return ImapGrammar.IsAtom(encoded) ? encoded : ImapResponseWriter.Quote(encoded);
    }
}
