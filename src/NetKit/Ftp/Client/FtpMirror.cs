namespace NetKit.Ftp.Client;

/// <summary>
/// Recursive copies of a directory tree between an FTP server and a local
/// folder (lftp's <c>mirror</c> and <c>mirror --reverse</c>). Remote names are
/// checked before they become local paths: a listing naming "..", "." or a
/// path with a separator is an error, never a write outside the target folder.
/// Symbolic links and other odd entries are skipped.
/// </summary>
public static class FtpMirror
{
    /// <summary>Copies the remote directory <paramref name="remote"/> into <paramref name="local"/> (created); returns the number of files copied.</summary>
    public static async Task<int> DownloadAsync(FtpClient client, string remote, string local, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var useMlsd = (await client.FeaturesAsync(cancellationToken)).Any(f => f.StartsWith("MLST", StringComparison.OrdinalIgnoreCase));
        return await DownloadTreeAsync(client, useMlsd, remote, local, cancellationToken);
    }

    /// <summary>Copies the local folder <paramref name="local"/> into the remote directory <paramref name="remote"/> (made when missing); returns the number of files copied.</summary>
    public static async Task<int> UploadAsync(FtpClient client, string local, string remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Directory.Exists(local))
        {
            throw new DirectoryNotFoundException($"no such folder: {local}");
        }

        await MakeDirectoryAsync(client, remote, cancellationToken);
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(local).Order(StringComparer.Ordinal))
        {
            await using var source = File.OpenRead(file);
            await client.UploadAsync(Join(remote, Path.GetFileName(file)), source, cancellationToken: cancellationToken);
            count++;
        }

        foreach (var folder in Directory.EnumerateDirectories(local).Order(StringComparer.Ordinal))
        {
            if (new DirectoryInfo(folder).LinkTarget is null)
            {
                count += await UploadAsync(client, folder, Join(remote, Path.GetFileName(folder)), cancellationToken);
            }
        }

        return count;
    }

    private static async Task<int> DownloadTreeAsync(FtpClient client, bool useMlsd, string remote, string local, CancellationToken cancellationToken)
    {
        var entries = useMlsd ? await client.MlsdAsync(remote, cancellationToken) : await client.ListAsync(remote, cancellationToken);
        Directory.CreateDirectory(local);
        var count = 0;
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Type is not (FtpEntryType.File or FtpEntryType.Directory) || entry.Name is "." or "..")
            {
                continue;
            }

            if (entry.Name.Length == 0 || entry.Name.IndexOfAny(['/', '\\', '\0']) >= 0)
            {
                throw new FtpProtocolException($"the server listed an entry named \"{entry.Name}\" in {remote}; a mirror will not write it");
            }

            var target = Path.Join(local, entry.Name);
            if (entry.Type == FtpEntryType.Directory)
            {
                count += await DownloadTreeAsync(client, useMlsd, Join(remote, entry.Name), target, cancellationToken);
            }
            else
            {
                await using var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                await client.DownloadAsync(Join(remote, entry.Name), file, cancellationToken: cancellationToken);
                count++;
            }
        }

        return count;
    }

    /// <summary>MKD, accepting a directory that is already there (the 550 of an existing one).</summary>
    private static async Task MakeDirectoryAsync(FtpClient client, string remote, CancellationToken cancellationToken)
    {
        try
        {
            await client.MkdAsync(remote, cancellationToken);
        }
        catch (FtpCommandException)
        {
            // Already there, or not makeable: CWD tells which, and fails clearly for the latter.
            var here = await client.PwdAsync(cancellationToken);
            await client.CwdAsync(remote, cancellationToken);
            await client.CwdAsync(here, cancellationToken);
        }
    }

    private static string Join(string directory, string name) =>
        directory.Length == 0 || directory == "." ? name : directory.TrimEnd('/') + "/" + name;
}
