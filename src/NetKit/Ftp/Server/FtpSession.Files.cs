using System.Globalization;

namespace NetKit.Ftp.Server;

/// <summary>The commands that act on names: directories, deletes, renames, sizes, facts, STAT, SITE.</summary>
public sealed partial class FtpSession
{
    private (string Virtual, string Physical) Resolve(string argument)
    {
        var path = FtpJail.Combine(_cwd, argument);
        return (path, _jail!.ToPhysical(path));
    }

    private async Task ChangeDirectoryAsync(string argument)
    {
        var (path, physical) = Resolve(argument);
        if (!Directory.Exists(physical))
        {
            await ReplyAsync(550, "No such directory.");
            return;
        }

        _cwd = path;
        await ReplyAsync(250, $"Directory changed to {path}.");
    }

    private async Task MakeDirectoryAsync(string argument)
    {
        var (path, physical) = Resolve(argument);
        if (Path.Exists(physical) || new FileInfo(physical).LinkTarget is not null)
        {
            await ReplyAsync(550, "Already exists.");
            return;
        }

        if (!Directory.Exists(Path.GetDirectoryName(physical)))
        {
            await ReplyAsync(550, "No such parent directory.");
            return;
        }

        Directory.CreateDirectory(physical);
        await ReplyAsync(257, $"{Quote(path)} created.");
    }

    private async Task RemoveDirectoryAsync(string argument)
    {
        var (path, physical) = Resolve(argument);
        if (path == "/" || !Directory.Exists(physical) || new DirectoryInfo(physical).LinkTarget is not null)
        {
            await ReplyAsync(550, path == "/" ? "Cannot remove the root." : "No such directory.");
            return;
        }

        if (Directory.EnumerateFileSystemEntries(physical).Any())
        {
            await ReplyAsync(550, "Directory not empty.");
            return;
        }

        Directory.Delete(physical);
        await ReplyAsync(250, "Directory removed.");
    }

    private async Task DeleteAsync(string argument)
    {
        var (_, physical) = Resolve(argument);
        var info = new FileInfo(physical);
        // A link is deleted as a link (never its target); a directory needs RMD.
        if (info.LinkTarget is null && !info.Exists)
        {
            await ReplyAsync(550, Directory.Exists(physical) ? "Is a directory; use RMD." : "No such file.");
            return;
        }

        info.Delete();
        await ReplyAsync(250, "File deleted.");
    }

    private async Task RenameFromAsync(string argument)
    {
        var (path, physical) = Resolve(argument);
        if (!Path.Exists(physical) && new FileInfo(physical).LinkTarget is null)
        {
            await ReplyAsync(550, "No such file or directory.");
            return;
        }

        if (path == "/")
        {
            await ReplyAsync(550, "Cannot rename the root.");
            return;
        }

        _renameFrom = path;
        await ReplyAsync(350, "Ready for RNTO.");
    }

    private async Task RenameToAsync(string? renameFrom, string argument)
    {
        if (renameFrom is null)
        {
            await ReplyAsync(503, "RNFR first.");
            return;
        }

        var from = _jail!.ToPhysical(renameFrom);
        var (path, to) = Resolve(argument);
        if (Path.Exists(to) || path == "/" || (path + "/").StartsWith(renameFrom + "/", StringComparison.Ordinal))
        {
            await ReplyAsync(550, "Target exists or is inside the source.");
            return;
        }

        if (Directory.Exists(from) && new DirectoryInfo(from).LinkTarget is null)
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }

        await ReplyAsync(250, "Renamed.");
    }

    private Task SizeAsync(string argument) =>
        WithFileAsync(argument, info => info.Length.ToString(CultureInfo.InvariantCulture));

    private Task ModifiedAsync(string argument) =>
        WithFileAsync(argument, info => FtpFacts.FormatTime(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));

    /// <summary>SIZE and MDTM: 213 with a fact of a regular file, 550 for anything else.</summary>
    private async Task WithFileAsync(string argument, Func<FileInfo, string> fact)
    {
        var (_, physical) = Resolve(argument);
        var info = new FileInfo(physical);
        await (info.Exists ? ReplyAsync(213, fact(info)) : ReplyAsync(550, "No such file."));
    }

    private async Task MlstAsync(string argument)
    {
        var (path, physical) = Resolve(argument.Length == 0 ? "." : argument);
        if (Entry(physical) is not { } info)
        {
            await ReplyAsync(550, "No such file or directory.");
            return;
        }

        await ReplyAsync(new FtpReply(250, ["Listing " + path, " " + FtpListing.FormatFacts(info, path, !_readOnly), "End"]));
    }

    private async Task StatAsync(string argument)
    {
        if (argument.Length == 0)
        {
            var lines = new List<string>
            {
                "NetKit FTP server status:",
                $" Connected to {_connection.Remote}",
                $" Logged in as {UserName}",
                $" TYPE: {(_binary ? "BINARY" : "ASCII")}; STRUcture: File; transfer MODE: Stream",
                $" Control connection: {(_connection.IsTls ? "TLS" : "plain")}; data: {(_protectData ? "TLS (PROT P)" : "clear (PROT C)")}",
                _transfer is { } t ? $" Transferring {t.Description}: {Interlocked.Read(ref t.Bytes)} bytes so far" : " No data connection",
                "End of status",
            };
            await ReplyAsync(new FtpReply(211, lines));
            return;
        }

        var (path, physical) = Resolve(StripListOptions(argument));
        if (Entry(physical) is null)
        {
            await ReplyAsync(550, "No such file or directory.");
            return;
        }

        var listing = new List<string> { $"Status of {path}:" };
        listing.AddRange(ListLines(physical, ListKind.Long).Take(10_000));
        listing.Add("End of status");
        await ReplyAsync(new FtpReply(Directory.Exists(physical) ? 212 : 213, listing));
    }

    private async Task SiteAsync(string argument)
    {
        var parts = argument.Split(' ', 3, StringSplitOptions.None);
        switch (parts[0].ToUpperInvariant())
        {
            case "CHMOD" when parts.Length == 3:
                if (!TryParseMode(parts[1], out var mode))
                {
                    await ReplyAsync(501, "SITE CHMOD needs an octal mode (e.g. 644).");
                    return;
                }

                var (_, physical) = Resolve(parts[2]);
                if (!Path.Exists(physical) || new FileInfo(physical).LinkTarget is not null)
                {
                    await ReplyAsync(550, "No such file or directory.");
                    return;
                }

                if (OperatingSystem.IsWindows())
                {
                    await ReplyAsync(502, "SITE CHMOD is not available on this system.");
                    return;
                }

                File.SetUnixFileMode(physical, mode);
                await ReplyAsync(200, "SITE CHMOD command successful.");
                return;
            case "HELP":
                await ReplyAsync(214, "SITE commands: CHMOD HELP");
                return;
            default:
                await ReplyAsync(501, "Unknown SITE command; SITE HELP lists them.");
                return;
        }
    }

    private static bool TryParseMode(string text, out UnixFileMode mode)
    {
        mode = default;
        if (text.Length is 0 or > 4 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        // Permission bits only: no setuid, setgid or sticky bit from a remote user.
        mode = (UnixFileMode)(Convert.ToInt32(text, 8) & 0x1ff);
        return true;
    }

    /// <summary>The entry at a path without following a final link; null when nothing is there.</summary>
    private static FileSystemInfo? Entry(string physical)
    {
        var file = new FileInfo(physical);
        if (file.LinkTarget is not null)
        {
            return file;
        }

        if (Directory.Exists(physical))
        {
            return new DirectoryInfo(physical);
        }

        return file.Exists ? file : null;
    }

    /// <summary>LIST takes ls options ("-la") that clients add; they are not file names.</summary>
    private static string StripListOptions(string argument)
    {
        var rest = argument;
        while (rest.StartsWith('-'))
        {
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            rest = space < 0 ? string.Empty : rest[(space + 1)..].TrimStart(' ');
        }

        return rest;
    }
}
