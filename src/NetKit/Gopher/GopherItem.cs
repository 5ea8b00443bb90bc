using System.Globalization;
using System.Text;

namespace NetKit.Gopher;

/// <summary>
/// One line of a Gopher menu (RFC 1436 3.8): the item's type, what the user
/// sees, and where it lives (selector, host, port).
/// </summary>
public sealed record GopherItem(char Type, string Display, string Selector, string Host, int Port)
{
    /// <summary>The host and port that info lines carry, pointing nowhere (the convention of Gophernicus and others).</summary>
    public const string NullHost = "null.host";

    /// <summary>The host that error lines carry.</summary>
    public const string ErrorHost = "error.host";

    /// <summary>An info line (type i): text in a menu, not a link.</summary>
    public static GopherItem Info(string text) => new(GopherItemType.Info, text, "", NullHost, 1);

    /// <summary>An error line (type 3), what a server answers for a selector it cannot serve.</summary>
    public static GopherItem Error(string text) => new(GopherItemType.Error, text, "", ErrorHost, 1);

    /// <summary>True for lines that are text in the menu rather than links (info and error lines).</summary>
    public bool IsInformational => Type is GopherItemType.Info or GopherItemType.Error;

    /// <summary>
    /// The line on the wire, without its CRLF. A tab, CR or LF inside a field would
    /// break the line, so the display text gets spaces for them and a selector or
    /// host that holds one is refused.
    /// </summary>
    public string ToMenuLine()
    {
        if (HasBreak(Selector) || HasBreak(Host))
        {
            throw new ArgumentException($"a Gopher selector or host cannot hold a tab, CR or LF: \"{Selector}\" on \"{Host}\"");
        }

        var display = HasBreak(Display) ? new StringBuilder(Display).Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ').ToString() : Display;
        return string.Create(CultureInfo.InvariantCulture, $"{Type}{display}\t{Selector}\t{Host}\t{Port}");
    }

    /// <summary>
    /// Reads one menu line (without its line ending). Lenient the way clients must
    /// be with the servers out there: missing fields are empty (port 0), a Gopher+
    /// fifth field is ignored. False only for an empty line.
    /// </summary>
    public static bool TryParse(string line, out GopherItem item)
    {
        if (line.Length == 0)
        {
            item = Info("");
            return false;
        }

        var fields = line[1..].Split('\t');
        var port = fields.Length > 3 && int.TryParse(fields[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535 ? p : 0;
        item = new GopherItem(
            line[0],
            fields[0],
            fields.Length > 1 ? fields[1] : "",
            fields.Length > 2 ? fields[2].Trim() : "",
            port);
        return true;
    }

    /// <summary>The item's gopher:// URL (RFC 4266).</summary>
    public GopherUrl ToUrl() => new(Host, Port, Type, Selector);

    private static bool HasBreak(string text) => text.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0;
}
