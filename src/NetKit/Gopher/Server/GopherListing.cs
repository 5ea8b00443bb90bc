namespace NetKit.Gopher.Server;

/// <summary>The menu made from a directory without a gophermap: its directories, then its files, by name.</summary>
internal static class GopherListing
{
    private const int SniffBytes = 512;

    public static IEnumerable<GopherItem> Read(GopherJail jail, string directory, string directorySelector, string host, int port, ISet<string> hidden, string mapFileName)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .Where(e => e.Name != mapFileName && !hidden.Contains(e.Name) && jail.MayList(e))
            .Select(e => (Entry: e, IsDirectory: Directory.Exists(e.FullName)))
            .OrderBy(e => e.IsDirectory ? 0 : 1)
            .ThenBy(e => e.Entry.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var prefix = directorySelector.TrimEnd('/') + "/";
        foreach (var (entry, isDirectory) in entries)
        {
            var type = isDirectory ? GopherItemType.Menu : TypeOf(entry.FullName);
            if (entry.Name.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0)
            {
                continue; // A name no menu line can carry.
            }

            yield return new GopherItem(type, entry.Name, prefix + entry.Name, host, port);
        }
    }

    /// <summary>The item type of a file from its name, and for unknown extensions its first bytes.</summary>
    public static char TypeOf(string path)
    {
        Span<byte> head = stackalloc byte[SniffBytes];
        int read;
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            read = RandomAccess.Read(file, head, 0);
        }
        catch (IOException)
        {
            read = 0;
        }
        catch (UnauthorizedAccessException)
        {
            read = 0;
        }

        return GopherItemType.ForFile(path, head[..read]);
    }
}
