using System.Globalization;

namespace NetKit.Nntp;

/// <summary>The date and time arguments of NEWGROUPS and NEWNEWS (RFC 3977 7.3.2) and DATE's reply.</summary>
public static class NntpDateTime
{
    /// <summary>"yyyymmdd hhmmss" as the commands send it (always in UTC; "GMT" is added by the caller).</summary>
    public static (string Date, string Time) Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return (utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture), utc.ToString("HHmmss", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Parses "[yy]yymmdd hhmmss"; a two-digit year is the one nearest now (RFC 3977 7.3.2).
    /// This server's local time is UTC, so with or without "GMT" the time is read as UTC.
    /// </summary>
    public static bool TryParse(string date, string time, out DateTimeOffset value)
    {
        value = default;
        if (date.Length is not (6 or 8) || time.Length != 6 || !date.All(char.IsAsciiDigit) || !time.All(char.IsAsciiDigit))
        {
            return false;
        }

        var year = int.Parse(date.AsSpan(0, date.Length - 4), CultureInfo.InvariantCulture);
        if (date.Length == 6)
        {
            var now = DateTime.UtcNow.Year;
            year += now - now % 100;
            if (year > now + 50)
            {
                year -= 100;
            }
            else if (year < now - 50)
            {
                year += 100;
            }
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{year:D4}{date[^4..]}{time}");
        if (!DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        value = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }
}
