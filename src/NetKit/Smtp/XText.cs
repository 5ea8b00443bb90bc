using System.Text;

namespace NetKit.Smtp;

/// <summary>
/// RFC 3461 xtext, the encoding of DSN's ENVID and ORCPT values and of AUTH=
/// on MAIL FROM: printable ASCII except '+' and '=' as is, everything else as
/// "+XX" (two upper-case hex digits). SMTPUTF8 (RFC 6533) lets UTF-8 pass as is.
/// </summary>
public static class XText
{
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 33 and <= 126 and not (byte)'+' and not (byte)'=')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('+').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>Decodes xtext; false when it is malformed (a bad "+XX", a control character or '=').</summary>
    public static bool TryDecode(string text, out string value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = "";
        var bytes = new List<byte>(text.Length);
        var raw = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'+')
            {
                if (i + 2 >= raw.Length || !IsUpperHex(raw[i + 1]) || !IsUpperHex(raw[i + 2]))
                {
                    return false;
                }

                bytes.Add((byte)((Hex(raw[i + 1]) << 4) | Hex(raw[i + 2])));
                i += 2;
            }
            else if (b is < 33 or 127 or (byte)'=')
            {
                return false;
            }
            else
            {
                bytes.Add(b); // Printable ASCII, or UTF-8 as SMTPUTF8 allows.
            }
        }

        try
        {
            value = new UTF8Encoding(false, true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsUpperHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F';

    private static int Hex(byte b) => b <= (byte)'9' ? b - '0' : b - 'A' + 10;
}
