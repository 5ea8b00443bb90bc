using System.Globalization;
using System.Text;

namespace NetKit.Gopher;

/// <summary>
/// A gopher:// URL (RFC 4266): <c>gopher://host[:port]/[T[selector[%09search]]]</c>,
/// the item type as the path's first character, the selector percent-encoded,
/// a search string after <c>%09</c>, port 70 unless given.
/// </summary>
public sealed record GopherUrl(string Host, int Port, char Type, string Selector, string? Search = null)
{
    public const int DefaultPort = 70;

    /// <summary>
    /// Reads a URL; <c>gopher://</c> may be left off. An empty path is the root menu.
    /// A <see cref="FormatException"/> says what is wrong.
    /// </summary>
    public static GopherUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.Trim();
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (!rest[..scheme].Equals("gopher", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"not a gopher:// URL: \"{text}\"");
            }

            rest = rest[(scheme + 3)..];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        var (host, port) = ParseAuthority(authority, text);
        if (path.Length == 0)
        {
            return new GopherUrl(host, port, GopherItemType.Menu, "");
        }

        var type = path[0];
        var parts = Unescape(path[1..], text).Split('\t');
        // A third part is a Gopher+ string (RFC 4266 2.1); this client does not speak Gopher+.
        return new GopherUrl(host, port, type, parts[0], parts.Length > 1 ? parts[1] : null);
    }

    /// <summary>The URL, with the selector and search percent-encoded where they must be.</summary>
    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        var port = Port == DefaultPort ? "" : string.Create(CultureInfo.InvariantCulture, $":{Port}");
        var search = Search is null ? "" : "%09" + Escape(Search);
        return $"gopher://{host}{port}/{Escape(Type.ToString())}{Escape(Selector)}{search}";
    }

    /// <summary>The line the client sends: the selector, a tab and the search string if there is one.</summary>
    public string RequestLine => Search is null ? Selector : $"{Selector}\t{Search}";

    private static (string Host, int Port) ParseAuthority(string authority, string text)
    {
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            throw new FormatException($"a gopher:// URL has no user name: \"{text}\"");
        }

        string host;
        var portText = "";
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"unclosed [ in \"{text}\"");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                portText = after.StartsWith(':') ? after[1..] : throw new FormatException($"bad host in \"{text}\"");
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? "" : authority[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new FormatException($"no host in \"{text}\"");
        }

        if (portText.Length == 0)
        {
            return (host, DefaultPort);
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"bad port \"{portText}\" in \"{text}\"");
        }

        return (host, port);
    }

    private static string Unescape(string text, string url)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    throw new FormatException($"bad %-escape in \"{url}\"");
                }

                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-._~/!$&'()*+,;=:@".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append(c);
            }
            else
            {
                escaped.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }

        return escaped.ToString();
    }
}
