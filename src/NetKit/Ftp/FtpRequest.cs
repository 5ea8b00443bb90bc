namespace NetKit.Ftp;

/// <summary>
/// One command line (RFC 959 5.3): a verb, case-insensitive, and an argument
/// after a single space. The argument is taken as it is, spaces included: a
/// file name may start or end with one.
/// </summary>
public readonly record struct FtpRequest(string Verb, string Argument)
{
    /// <summary>Every verb of RFC 959 and its extensions has 3 or 4 letters.</summary>
    public const int MaxVerbLength = 4;

    public bool HasArgument => Argument.Length > 0;

    /// <summary>Splits a line into verb (upper case) and argument; false for an empty line or a verb that is not 3-4 letters.</summary>
    public static bool TryParse(string line, out FtpRequest request)
    {
        request = default;
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? line : line[..space];
        if (verb.Length is < 3 or > MaxVerbLength || !verb.All(char.IsAsciiLetter))
        {
            return false;
        }

        request = new FtpRequest(verb.ToUpperInvariant(), space < 0 ? string.Empty : line[(space + 1)..]);
        return true;
    }

    /// <summary>The line as it goes on the wire, without its ending.</summary>
    public override string ToString() => HasArgument ? $"{Verb} {Argument}" : Verb;

    /// <summary>The trace's rule: the argument of PASS (and ACCT) never shows.</summary>
    public static string Redact(string line) =>
        line.StartsWith("PASS ", StringComparison.OrdinalIgnoreCase) || line.StartsWith("ACCT ", StringComparison.OrdinalIgnoreCase)
            ? Transport.WireTrace.MaskAfterWords(line, 1)
            : line;
}
