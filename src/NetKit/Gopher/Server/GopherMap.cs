using System.Globalization;

namespace NetKit.Gopher.Server;

/// <summary>
/// A directory's <c>gophermap</c> as Gophernicus and Bucktooth read it:
/// <list type="bullet">
/// <item>a line with a tab is an item, <c>Tdisplay[TAB selector[TAB host[TAB port]]]</c>:
/// no selector means the display name, a selector not starting with <c>/</c> (or <c>URL:</c>)
/// is relative to the directory, no host or port means this server;</item>
/// <item>a line without a tab is an info line; <c>!title</c> is a title (shown as info);</item>
/// <item><c>#</c> starts a comment, <c>-name</c> hides a file from the listing;</item>
/// <item><c>*</c> inserts the directory's listing and ends the map, as does a lone <c>.</c>.</item>
/// </list>
/// <c>=</c> (include or run a program) is not supported: it is skipped, never run.
/// </summary>
public static class GopherMap
{
    /// <summary>The menu the map describes; <paramref name="listing"/> gives the directory's items for <c>*</c>, minus the hidden names.</summary>
    public static List<GopherItem> Read(string map, string directorySelector, string host, int port, Func<ISet<string>, IEnumerable<GopherItem>> listing)
    {
        var items = new List<GopherItem>();
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        // The newline that ends the file's last line starts no line of its own.
        foreach (var raw in map.EndsWith('\n') ? map[..^1].Split('\n') : map.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == ".")
            {
                break;
            }

            if (line == "*")
            {
                items.AddRange(listing(hidden));
                break;
            }

            if (!line.Contains('\t', StringComparison.Ordinal))
            {
                switch (line.Length > 0 ? line[0] : ' ')
                {
                    case '#' or '=':
                        continue;
                    case '-':
                        hidden.Add(line[1..]);
                        continue;
                    case '!':
                        items.Add(GopherItem.Info(line[1..]));
                        continue;
                    default:
                        items.Add(GopherItem.Info(line));
                        continue;
                }
            }

            items.Add(ReadItem(line, directorySelector, host, port));
        }

        return items;
    }

    private static GopherItem ReadItem(string line, string directorySelector, string host, int port)
    {
        var fields = line[1..].Split('\t');
        var type = line[0];
        var display = fields[0];
        var selector = fields.Length > 1 && fields[1].Length > 0 ? fields[1] : display;
        var itemHost = fields.Length > 2 && fields[2].Trim().Length > 0 ? fields[2].Trim() : null;
        var itemPort = fields.Length > 3 && int.TryParse(fields[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535 ? p : (int?)null;
        if (type is GopherItemType.Info or GopherItemType.Error)
        {
            return type == GopherItemType.Info ? GopherItem.Info(display) : GopherItem.Error(display);
        }

        // A selector on this server may be relative to the directory; one on another host is that host's business.
        var local = itemHost is null;
        if (local && !selector.StartsWith('/') && !selector.StartsWith("URL:", StringComparison.Ordinal))
        {
            selector = directorySelector.TrimEnd('/') + "/" + selector;
        }

        return new GopherItem(type, display, selector, itemHost ?? host, itemPort ?? (local ? port : GopherUrl.DefaultPort));
    }
}
