using System.Globalization;

namespace NetKit.Ftp;

/// <summary>
/// MLSD/MLST lines (RFC 3659 7): <c>type=file;size=12;modify=20260101120000;perm=rw; name</c>.
/// The server formats them, the client parses them: one codec.
/// </summary>
public static class FtpFacts
{
    /// <summary>The facts the server offers in FEAT, all of them on by default (a '*' marks each).</summary>
    public static IReadOnlyList<string> Supported { get; } = ["type", "size", "modify", "perm", "unix.mode"];

    /// <summary>RFC 3659 2.3's time-val: <c>YYYYMMDDHHMMSS</c> in UTC (MDTM and the modify fact).</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Parses a time-val, with or without fractions of a second.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        var whole = text.Split('.')[0];
        if (whole.Length != 14 || !DateTime.TryParseExact(whole, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = new DateTimeOffset(parsed, TimeSpan.Zero);
        if (text.Length > 15 && double.TryParse("0" + text[14..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction))
        {
            time = time.AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
        }

        return true;
    }

    /// <summary>One fact line: the facts in the order given, then a space and the name.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> facts, string name)
    {
        var text = string.Concat(facts.Select(f => $"{f.Key}={f.Value};"));
        return $"{text} {name}";
    }

    /// <summary>Parses one fact line; a malformed line (no space before the name, a fact without '=') is a <see cref="FtpProtocolException"/>.</summary>
    public static FtpEntry Parse(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            throw new FtpProtocolException($"malformed MLSD line: \"{line}\"");
        }

        var facts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var fact in line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = fact.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FtpProtocolException($"malformed fact \"{fact}\" in MLSD line \"{line}\"");
            }

            facts[fact[..equals].ToLowerInvariant()] = fact[(equals + 1)..];
        }

        var type = facts.GetValueOrDefault("type")?.ToLowerInvariant() switch
        {
            "file" => FtpEntryType.File,
            "dir" => FtpEntryType.Directory,
            "cdir" => FtpEntryType.CurrentDirectory,
            "pdir" => FtpEntryType.ParentDirectory,
            var t when t is not null && t.Contains("symlink", StringComparison.Ordinal) => FtpEntryType.Link,
            _ => FtpEntryType.Other,
        };
        long? size = facts.TryGetValue("size", out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        DateTimeOffset? modified = facts.TryGetValue("modify", out var m) && TryParseTime(m, out var t2) ? t2 : null;
        return new FtpEntry(line[(space + 1)..], type, size, modified, facts);
    }
}
