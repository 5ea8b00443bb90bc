using System.Globalization;
using System.Text.RegularExpressions;

namespace NetKit.Ftp.Client;

/// <summary>
/// LIST lines as servers send them: Unix <c>ls -l</c> (vsftpd, ProFTPD,
/// pyftpdlib, ours) and Windows/IIS (<c>11-26-26  12:31PM  &lt;DIR&gt;  name</c>).
/// LIST has no standard; MLSD is what to use when the server has it.
/// </summary>
public static partial class FtpListParser
{
    /// <summary>The entry a line describes, or null for lines that describe none ("total 12", blank lines).</summary>
    public static FtpEntry? Parse(string line, DateTimeOffset? now = null)
    {
        var unix = UnixLine().Match(line);
        if (unix.Success)
        {
            var kind = unix.Groups["kind"].Value[0];
            var name = unix.Groups["name"].Value;
            var facts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["unix.perms"] = unix.Groups["perms"].Value };
            if (kind == 'l')
            {
                var arrow = name.IndexOf(" -> ", StringComparison.Ordinal);
                if (arrow >= 0)
                {
                    facts["link.target"] = name[(arrow + 4)..];
                    name = name[..arrow];
                }
            }

            var type = kind switch { 'd' => FtpEntryType.Directory, '-' => FtpEntryType.File, 'l' => FtpEntryType.Link, _ => FtpEntryType.Other };
            return new FtpEntry(name, type, Size(unix.Groups["size"].Value), UnixTime(unix, now ?? DateTimeOffset.UtcNow), facts);
        }

        var windows = WindowsLine().Match(line);
        if (windows.Success)
        {
            var isDirectory = windows.Groups["size"].Value.Equals("<DIR>", StringComparison.OrdinalIgnoreCase);
            DateTimeOffset? modified = DateTime.TryParseExact($"{windows.Groups["date"].Value} {windows.Groups["time"].Value}",
                ["MM-dd-yy hh:mmtt", "MM-dd-yyyy hh:mmtt", "MM-dd-yy HH:mm", "MM-dd-yyyy HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? new DateTimeOffset(time, TimeSpan.Zero)
                : null;
            return new FtpEntry(windows.Groups["name"].Value, isDirectory ? FtpEntryType.Directory : FtpEntryType.File,
                isDirectory ? null : Size(windows.Groups["size"].Value), modified, new Dictionary<string, string>());
        }

        return null;
    }

    /// <summary>A size past 64 bits (a broken or hostile server) is unknown, not an OverflowException.</summary>
    private static long? Size(string digits) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;

    private static DateTimeOffset? UnixTime(Match match, DateTimeOffset now)
    {
        var month = match.Groups["month"].Value;
        var day = match.Groups["day"].Value;
        var yearOrTime = match.Groups["when"].Value;
        if (yearOrTime.Contains(':', StringComparison.Ordinal))
        {
            // "Nov 26 12:31": within the last half year, so this year or last.
            if (!DateTime.TryParseExact($"{month} {day} {now.Year} {yearOrTime}", "MMM d yyyy H:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                return null;
            }

            var result = new DateTimeOffset(time, TimeSpan.Zero);
            return result > now.AddDays(2) ? result.AddYears(-1) : result;
        }

        return DateTime.TryParseExact($"{month} {day} {yearOrTime}", "MMM d yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : null;
    }

    [GeneratedRegex(@"^(?<kind>[-dlcbps])(?<perms>[-rwxsStTl]{9})[+@.]?\s+\d+\s+(?:\S+\s+){1,2}?(?<size>\d+)\s+(?<month>[A-Za-z]{3})\s+(?<day>\d{1,2})\s+(?<when>\d{1,2}:\d{2}|\d{4})\s(?<name>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnixLine();

    [GeneratedRegex(@"^(?<date>\d{2}-\d{2}-\d{2,4})\s+(?<time>\d{1,2}:\d{2}(?:[AaPp][Mm])?)\s+(?<size><DIR>|\d+)\s+(?<name>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex WindowsLine();
}
