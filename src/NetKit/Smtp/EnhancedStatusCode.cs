using System.Globalization;

namespace NetKit.Smtp;

/// <summary>
/// An RFC 3463 enhanced status code, <c>class.subject.detail</c> (e.g. 5.7.1),
/// carried at the start of each reply line when ENHANCEDSTATUSCODES is on (RFC 2034).
/// </summary>
public readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    /// <summary>Parses <c>2.1.5</c>: class 2, 4 or 5; subject and detail 0–999 (at most three digits each).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out EnhancedStatusCode code)
    {
        code = default;
        var first = text.IndexOf('.');
        if (first != 1 || text[0] is not ('2' or '4' or '5'))
        {
            return false;
        }

        var rest = text[2..];
        var second = rest.IndexOf('.');
        if (second < 1 || second > 3 || !AllDigits(rest[..second]))
        {
            return false;
        }

        var detail = rest[(second + 1)..];
        if (detail.Length is < 1 or > 3 || !AllDigits(detail))
        {
            return false;
        }

        code = new EnhancedStatusCode(
            text[0] - '0',
            int.Parse(rest[..second], NumberStyles.None, CultureInfo.InvariantCulture),
            int.Parse(detail, NumberStyles.None, CultureInfo.InvariantCulture));
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}.{Subject}.{Detail}");

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
