using System.Globalization;

namespace NetKit.Nntp;

/// <summary>
/// An article-number range (RFC 3977 6.1.4 / 8.3): "n", "n-" (to the end) or
/// "n-m". A reversed range is valid and empty; numbers are 1 to 2^63-1.
/// </summary>
public readonly record struct NntpRange(long Low, long? High)
{
    public bool IsEmpty => High is { } high && high < Low;

    public bool Contains(long number) => number >= Low && (High is null || number <= High);

    /// <summary>The range as the wire writes it.</summary>
    public override string ToString() => High switch
    {
        null => string.Create(CultureInfo.InvariantCulture, $"{Low}-"),
        var h when h == Low => Low.ToString(CultureInfo.InvariantCulture),
        var h => string.Create(CultureInfo.InvariantCulture, $"{Low}-{h}"),
    };

    public static NntpRange Single(long number) => new(number, number);

    public static bool TryParse(string text, out NntpRange range)
    {
        range = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!TryNumber(text, out var single))
            {
                return false;
            }

            range = Single(single);
            return true;
        }

        if (!TryNumber(text[..dash], out var low))
        {
            return false;
        }

        var rest = text[(dash + 1)..];
        if (rest.Length == 0)
        {
            range = new NntpRange(low, null);
            return true;
        }

        if (!TryNumber(rest, out var high))
        {
            return false;
        }

        range = new NntpRange(low, high);
        return true;
    }

    /// <summary>RFC 3977: 1 to 16 digits; leading zeros allowed. Larger than any article number we hand out is still valid.</summary>
    public static bool TryNumber(string text, out long number)
    {
        number = 0;
        return text.Length is > 0 and <= 16 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
