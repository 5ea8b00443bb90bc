using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetKit.Ftp;

/// <summary>
/// The address forms of the data connection, both ways: PORT and the 227
/// reply's <c>h1,h2,h3,h4,p1,p2</c> (RFC 959), EPRT's <c>|1|addr|port|</c>
/// and EPSV's 229 <c>(|||port|)</c> (RFC 2428).
/// </summary>
public static class FtpAddresses
{
    /// <summary><c>127,0,0,1,4,1</c> for 127.0.0.1:1025 (IPv4 only, as PORT and PASV are).</summary>
    public static string FormatHostPort(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("PORT and PASV carry IPv4 addresses only.", nameof(endPoint));
        }

        var b = address.GetAddressBytes();
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]},{b[1]},{b[2]},{b[3]},{endPoint.Port >> 8},{endPoint.Port & 0xff}");
    }

    /// <summary>Parses six comma-separated numbers 0-255 (a 227 reply's may sit inside other text; see <see cref="TryParsePassiveReply"/>).</summary>
    public static bool TryParseHostPort(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var parts = text.Trim().Split(',');
        if (parts.Length != 6)
        {
            return false;
        }

        var bytes = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (!byte.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        endPoint = new IPEndPoint(new IPAddress(bytes.AsSpan(0, 4)), (bytes[4] << 8) | bytes[5]);
        return true;
    }

    /// <summary>The address in a 227 reply: the first run of six numbers, in brackets or not (RFC 1123 4.1.2.6).</summary>
    public static bool TryParsePassiveReply(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var start = text.IndexOfAny("0123456789".ToCharArray());
        if (start < 0)
        {
            return false;
        }

        var end = start;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == ','))
        {
            end++;
        }

        return TryParseHostPort(text[start..end], out endPoint);
    }

    /// <summary><c>|1|127.0.0.1|1025|</c> or <c>|2|::1|1025|</c>.</summary>
    public static string FormatExtended(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? 2 : 1;
        return string.Create(CultureInfo.InvariantCulture, $"|{family}|{address}|{endPoint.Port}|");
    }

    /// <summary>EPRT's argument: a delimiter (any printable ASCII 33-126), family 1 or 2, the address, the port.</summary>
    public static bool TryParseExtended(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (text.Length < 7 || text[0] is < '!' or > '~')
        {
            return false;
        }

        var parts = text.Split(text[0]);
        if (parts.Length != 5 || parts[0].Length != 0 || parts[4].Length != 0)
        {
            return false;
        }

        var family = parts[1] switch { "1" => AddressFamily.InterNetwork, "2" => AddressFamily.InterNetworkV6, _ => AddressFamily.Unknown };
        if (family == AddressFamily.Unknown || !IPAddress.TryParse(parts[2], out var address) || address.AddressFamily != family
            || !ushort.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>The port in a 229 reply: <c>Entering Extended Passive Mode (|||6446|)</c>.</summary>
    public static bool TryParseExtendedPassiveReply(string text, out int port)
    {
        port = 0;
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open + 6)
        {
            return false;
        }

        var inner = text[(open + 1)..close];
        var d = inner[0];
        var parts = inner.Split(d);
        return parts.Length == 5 && parts[1].Length == 0 && parts[2].Length == 0
            && ushort.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 && (port = p) > 0;
    }
}
