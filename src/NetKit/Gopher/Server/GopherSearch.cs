using System.Text;

namespace NetKit.Gopher.Server;

/// <summary>
/// The server's search item (type 7): every file and directory under the root
/// whose name holds the words, and every text file whose content does, case
/// ignored, with limits on files looked at, bytes read and results.
/// </summary>
internal static class GopherSearch
{
    public static List<GopherItem> Run(GopherJail jail, GopherServerOptions options, string query, string host, int port, CancellationToken cancellationToken)
    {
        var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var results = new List<GopherItem>();
        var looked = 0;
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(jail.Root));
        while (pending.Count > 0 && results.Count < options.MaxSearchResults && looked < options.MaxSearchFiles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry.Name == options.MapFileName || !jail.MayList(entry) || results.Count >= options.MaxSearchResults || ++looked > options.MaxSearchFiles)
                {
                    continue;
                }

                var selector = SelectorOf(jail, entry.FullName);
                var isDirectory = Directory.Exists(entry.FullName);
                if (isDirectory)
                {
                    // A link to a directory is listed, not walked, so a loop of links cannot trap the search.
                    if (entry.LinkTarget is null)
                    {
                        pending.Push((DirectoryInfo)entry);
                    }

                    if (Matches(entry.Name, words))
                    {
                        results.Add(new GopherItem(GopherItemType.Menu, selector, selector, host, port));
                    }

                    continue;
                }

                var type = GopherListing.TypeOf(entry.FullName);
                if (Matches(entry.Name, words) || (type == GopherItemType.Text && ContentMatches(entry.FullName, words, options.MaxSearchFileBytes)))
                {
                    results.Add(new GopherItem(type, selector, selector, host, port));
                }
            }
        }

        return results;
    }

    private static string SelectorOf(GopherJail jail, string fullPath) =>
        "/" + Path.GetRelativePath(jail.Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static bool Matches(string text, string[] words) =>
        words.All(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static bool ContentMatches(string path, string[] words, long maxBytes)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Length <= maxBytes && Matches(Encoding.UTF8.GetString(File.ReadAllBytes(path)), words);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
