using System.Text;

namespace NetKit.Imap;

/// <summary>
/// Modified UTF-7 (RFC 3501 section 5.1.3), the encoding of IMAP mailbox names: printable ASCII
/// stands for itself except '&amp;' ("&amp;-"); anything else is UTF-16BE in base64 with ',' for '/',
/// no padding, between '&amp;' and '-'.
/// </summary>
public static class ImapUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 8);
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c is >= ' ' and <= '~')
            {
                sb.Append(c == '&' ? "&-" : c.ToString());
                i++;
                continue;
            }

            var start = i;
            while (i < name.Length && name[i] is < ' ' or > '~')
            {
                i++;
            }

            sb.Append('&');
            AppendBase64(sb, name.AsSpan(start, i - start));
            sb.Append('-');
        }

        return sb.ToString();
    }

    /// <summary>Decodes a name; false when it is not valid modified UTF-7 (RFC 3501 says such a name must be refused).</summary>
    public static bool TryDecode(string encoded, out string name)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        name = "";
        var sb = new StringBuilder(encoded.Length);
        var i = 0;
        while (i < encoded.Length)
        {
            var c = encoded[i];
            if (c is < ' ' or > '~')
            {
                return false; // 8-bit or control characters are never sent as themselves
            }

            if (c != '&')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var end = encoded.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }

            if (end == i + 1)
            {
                sb.Append('&');
            }
            else if (!TryDecodeRun(encoded.AsSpan(i + 1, end - i - 1), sb))
            {
                return false;
            }

            i = end + 1;
        }

        name = sb.ToString();
        return true;
    }

    private static void AppendBase64(StringBuilder sb, ReadOnlySpan<char> run)
    {
        var bits = 0;
        var buffer = 0;
        foreach (var c in run)
        {
            foreach (var b in new[] { (byte)(c >> 8), (byte)c })
            {
                buffer = (buffer << 8) | b;
                bits += 8;
                while (bits >= 6)
                {
                    bits -= 6;
                    sb.Append(Alphabet[(buffer >> bits) & 0x3f]);
                }
            }
        }

        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (6 - bits)) & 0x3f]);
        }
    }

    private static bool TryDecodeRun(ReadOnlySpan<char> run, StringBuilder sb)
    {
        var bits = 0;
        var buffer = 0;
        var bytes = new List<byte>(run.Length);
        foreach (var c in run)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            buffer = ((buffer << 6) | value) & 0xffffff;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
            }
        }

        // Leftover bits must be fewer than six and zero, and the bytes whole UTF-16 units.
        if (bits >= 6 || (buffer & ((1 << bits) - 1)) != 0 || bytes.Count == 0 || bytes.Count % 2 != 0)
        {
            return false;
        }

        var start = sb.Length;
        for (var i = 0; i < bytes.Count; i += 2)
        {
            var unit = (char)((bytes[i] << 8) | bytes[i + 1]);
            if (unit is >= ' ' and <= '~')
            {
                return false; // printable ASCII must stand for itself
            }

            sb.Append(unit);
        }

        // Surrogates must pair up.
        for (var i = start; i < sb.Length; i++)
        {
            if (char.IsHighSurrogate(sb[i]))
            {
                if (i + 1 >= sb.Length || !char.IsLowSurrogate(sb[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(sb[i]))
            {
                return false;
            }
        }

        return true;
    }
}
