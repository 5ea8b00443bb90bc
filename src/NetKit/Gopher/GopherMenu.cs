using System.Text;

namespace NetKit.Gopher;

/// <summary>A menu on the wire: item lines ended by CRLF, then a lone dot (RFC 1436 3.8).</summary>
public static class GopherMenu
{
    /// <summary>The wire form of a whole menu, lone dot included.</summary>
    public static byte[] Format(IEnumerable<GopherItem> items)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(item.ToMenuLine()).Append("\r\n");
        }

        text.Append(".\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// The items of a menu as received: lines ended by CRLF or LF, up to a lone dot
    /// or the end; empty lines are skipped.
    /// </summary>
    public static IReadOnlyList<GopherItem> Parse(string menu)
    {
        var items = new List<GopherItem>();
        foreach (var line in GopherText.Lines(menu))
        {
            if (GopherItem.TryParse(line, out var item))
            {
                items.Add(item);
            }
        }

        return items;
    }
}
