using System.Text;

namespace NetKit.Pop3;

/// <summary>
/// A command line as the server reads it: the keyword (case-insensitive, RFC 1939
/// section 3) and its arguments, split on single spaces. One parser for every verb,
/// and <see cref="Format"/> for the client, so both ends agree on the grammar.
/// </summary>
public readonly record struct Pop3CommandLine(Pop3Verb Verb, string Keyword, IReadOnlyList<string> Arguments)
{
    /// <summary>RFC 2449 section 4: 40 octets is the most an argument may have.</summary>
    public const int MaxArgumentLength = 40;

    /// <summary>
    /// Parses a line (without its CRLF). The keyword is whatever comes before the first space;
    /// trailing spaces are forgiven (some clients send "STAT "), doubled ones are not.
    /// </summary>
    public static Pop3CommandLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.TrimEnd(' ').Split(' ');
        var keyword = parts[0];
        var verb = keyword.ToUpperInvariant() switch
        {
            "USER" => Pop3Verb.User,
            "PASS" => Pop3Verb.Pass,
            "APOP" => Pop3Verb.Apop,
            "AUTH" => Pop3Verb.Auth,
            "STLS" => Pop3Verb.Stls,
            "CAPA" => Pop3Verb.Capa,
            "STAT" => Pop3Verb.Stat,
            "LIST" => Pop3Verb.List,
            "RETR" => Pop3Verb.Retr,
            "DELE" => Pop3Verb.Dele,
            "NOOP" => Pop3Verb.Noop,
            "RSET" => Pop3Verb.Rset,
            "QUIT" => Pop3Verb.Quit,
            "TOP" => Pop3Verb.Top,
            "UIDL" => Pop3Verb.Uidl,
            _ => Pop3Verb.Unknown,
        };
        return new Pop3CommandLine(verb, keyword, parts.Length == 1 ? [] : parts[1..]);
    }

    /// <summary>
    /// PASS takes the rest of the line as the password (RFC 1939 section 7 allows
    /// spaces in it); every other verb takes space-separated arguments.
    /// </summary>
    public static string RestOfLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? string.Empty : line[(space + 1)..];
    }

    /// <summary>The wire form of a command (no CRLF); refuses CR, LF and NUL, which would make a second command.</summary>
    public static string Format(string keyword, params ReadOnlySpan<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyword);
        var sb = new StringBuilder(keyword);
        foreach (var argument in arguments)
        {
            ArgumentNullException.ThrowIfNull(argument);
            if (argument.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new ArgumentException($"a POP3 argument cannot hold CR, LF or NUL: \"{argument.ReplaceLineEndings(" ")}\"", nameof(arguments));
            }

            sb.Append(' ').Append(argument);
        }

        return sb.ToString();
    }
}
