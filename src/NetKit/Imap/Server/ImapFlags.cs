namespace NetKit.Imap.Server;

/// <summary>Message flags: the store keeps them as space-separated text; IMAP shows them in parentheses.</summary>
internal static class ImapFlags
{
    public static readonly string[] System = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"];

    public const string Seen = "\\Seen";
    public const string Deleted = "\\Deleted";
    public const string Recent = "\\Recent";

    public static List<string> Parse(string stored) =>
        [.. stored.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    public static string Store(IEnumerable<string> flags) => string.Join(' ', flags);

    public static bool Has(IReadOnlyList<string> flags, string flag) => flags.Contains(flag, StringComparer.OrdinalIgnoreCase);

    /// <summary>A flag as a client may set it: a system flag in its proper case, or a keyword; null for \Recent and unknown system flags.</summary>
    public static string? Normalize(string flag)
    {
        if (!flag.StartsWith('\\'))
        {
            return flag;
        }

        return System.FirstOrDefault(s => s.Equals(flag, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"(\Seen \Recent $Label)": the flags of a message as this session sees it.</summary>
    public static string Format(IReadOnlyList<string> flags, bool recent) =>
        "(" + string.Join(' ', recent ? flags.Append(Recent) : flags) + ")";
}
