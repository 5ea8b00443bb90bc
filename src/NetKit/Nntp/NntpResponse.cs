using System.Globalization;

namespace NetKit.Nntp;

/// <summary>
/// One NNTP status line (RFC 3977 3.2): a three-digit code and its text. The
/// code's first digit says what kind of answer it is; multi-line data follows
/// only the codes the command defines as multi-line.
/// </summary>
public sealed record NntpResponse(int Code, string Text)
{
    public bool IsSuccess => Code is >= 100 and < 400;

    /// <summary>The text's words (GROUP's "count low high name", ARTICLE's "n message-id").</summary>
    public string[] Words => Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses a status line; false when it is not three digits followed by nothing or a space.</summary>
    public static bool TryParse(string line, out NntpResponse response)
    {
        response = new NntpResponse(0, "");
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
            || (line.Length > 3 && line[3] != ' '))
        {
            return false;
        }

        response = new NntpResponse(int.Parse(line.AsSpan(0, 3), CultureInfo.InvariantCulture), line.Length > 4 ? line[4..] : "");
        return true;
    }

    public override string ToString() => Text.Length == 0 ? Code.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{Code} {Text}");
}
