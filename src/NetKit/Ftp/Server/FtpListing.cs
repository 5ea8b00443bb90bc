using System.Globalization;

namespace NetKit.Ftp.Server;

/// <summary>
/// How the server describes a file: LIST's <c>ls -l</c> line (what every
/// client's parser expects from a Unix server) and MLSD/MLST's facts.
/// Links are described as links, never followed (their target may be outside the jail).
/// </summary>
public static class FtpListing
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary><c>drwxr-xr-x 1 ftp ftp 4096 Nov 26 12:31 name</c>; the year instead of the time for entries older than half a year.</summary>
    public static string FormatList(FileSystemInfo info, string name, DateTimeOffset now)
    {
        var kind = info.LinkTarget is not null ? 'l' : info is DirectoryInfo ? 'd' : '-';
        var size = info is FileInfo file && kind == '-' ? file.Length : 4096;
        var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        var recent = modified > now.AddDays(-180) && modified < now.AddDays(1);
        var when = modified.ToString(recent ? "MMM dd HH:mm" : "MMM dd  yyyy", Invariant);
        return string.Create(Invariant, $"{kind}{Permissions(info)} 1 ftp ftp {size,12} {when} {name}");
    }

    /// <summary>The facts of one entry (MLSD line or MLST's indented line), as <see cref="FtpFacts.Format"/> writes them.</summary>
    public static string FormatFacts(FileSystemInfo info, string name, bool writable, string? typeOverride = null)
    {
        var isLink = info.LinkTarget is not null;
        var isDirectory = info is DirectoryInfo && !isLink;
        var type = typeOverride ?? (isLink ? "OS.unix=symlink" : isDirectory ? "dir" : "file");
        var facts = new List<KeyValuePair<string, string>> { new("type", type) };
        if (info is FileInfo file && !isLink)
        {
            facts.Add(new("size", file.Length.ToString(Invariant)));
        }

        facts.Add(new("modify", FtpFacts.FormatTime(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero))));
        // RFC 3659 7.5.5: what this user may do here.
        facts.Add(new("perm", isDirectory ? (writable ? "elcmfdp" : "el") : (writable ? "rwadf" : "r")));
        if (!OperatingSystem.IsWindows())
        {
            facts.Add(new("unix.mode", "0" + Convert.ToString((int)info.UnixFileMode & 0xfff, 8)));
        }

        return FtpFacts.Format(facts, name);
    }

    private static string Permissions(FileSystemInfo info)
    {
        if (OperatingSystem.IsWindows())
        {
            return info is DirectoryInfo ? "rwxr-xr-x" : "rw-r--r--";
        }

        var mode = info.UnixFileMode;
        Span<char> text = stackalloc char[9];
        ReadOnlySpan<UnixFileMode> bits =
        [
            UnixFileMode.UserRead, UnixFileMode.UserWrite, UnixFileMode.UserExecute,
            UnixFileMode.GroupRead, UnixFileMode.GroupWrite, UnixFileMode.GroupExecute,
            UnixFileMode.OtherRead, UnixFileMode.OtherWrite, UnixFileMode.OtherExecute,
        ];
        for (var i = 0; i < 9; i++)
        {
            text[i] = (mode & bits[i]) != 0 ? "rwx"[i % 3] : '-';
        }

        return new string(text);
    }
}
