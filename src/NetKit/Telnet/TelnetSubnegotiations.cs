using System.Buffers;
using System.Text;

namespace NetKit.Telnet;

/// <summary>The payloads of the subnegotiations NetKit speaks: TTYPE, NAWS, NEW-ENVIRON, LINEMODE MODE.</summary>
public static class TelnetSubnegotiations
{
    public const byte Is = 0;
    public const byte Send = 1;
    public const byte Info = 2;

    // NEW-ENVIRON (RFC 1572) type bytes.
    public const byte EnvVar = 0;
    public const byte EnvValue = 1;
    public const byte EnvEsc = 2;
    public const byte EnvUserVar = 3;

    // LINEMODE (RFC 1184).
    public const byte LinemodeMode = 1;
    public const byte LinemodeForwardMask = 2;
    public const byte LinemodeSlc = 3;
    public const byte ModeEdit = 1;
    public const byte ModeTrapSig = 2;
    public const byte ModeAck = 4;

    /// <summary>TTYPE IS name (RFC 1091): printable ASCII only, at most 40 characters.</summary>
    public static byte[] TerminalTypeIs(string name)
    {
        var clean = new string(name.Where(c => c is > ' ' and < '\x7f').Take(40).ToArray());
        return [Is, .. Encoding.ASCII.GetBytes(clean.Length == 0 ? "UNKNOWN" : clean)];
    }

    /// <summary>The name in TTYPE IS, or null when the payload is not an IS.</summary>
    public static string? ParseTerminalTypeIs(ReadOnlySpan<byte> payload) =>
        payload.Length > 1 && payload[0] == Is ? Printable(payload[1..]) : null;

    /// <summary>NAWS: width and height as two 16-bit big-endian numbers.</summary>
    public static byte[] WindowSize(int width, int height)
    {
        var w = (ushort)Math.Clamp(width, 0, ushort.MaxValue);
        var h = (ushort)Math.Clamp(height, 0, ushort.MaxValue);
        return [(byte)(w >> 8), (byte)w, (byte)(h >> 8), (byte)h];
    }

    public static (int Width, int Height)? ParseWindowSize(ReadOnlySpan<byte> payload) =>
        payload.Length == 4 ? ((payload[0] << 8) | payload[1], (payload[2] << 8) | payload[3]) : null;

    /// <summary>NEW-ENVIRON IS with the given variables (VAR for the well-known names, USERVAR for the rest).</summary>
    public static byte[] EnvironmentIs(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([Is]);
        foreach (var (name, value) in variables)
        {
            var wellKnown = name is "USER" or "JOB" or "ACCT" or "PRINTER" or "SYSTEMTYPE" or "DISPLAY";
            buffer.Write([wellKnown ? EnvVar : EnvUserVar]);
            Escaped(buffer, name);
            buffer.Write([EnvValue]);
            Escaped(buffer, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The variables of a NEW-ENVIRON IS or INFO; null when the payload is neither.</summary>
    public static Dictionary<string, string>? ParseEnvironment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0 || payload[0] is not (Is or Info))
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var name = new List<byte>();
        var value = new List<byte>();
        List<byte>? current = null;
        for (var i = 1; i < payload.Length; i++)
        {
            var b = payload[i];
            switch (b)
            {
                case EnvVar or EnvUserVar:
                    Add();
                    name.Clear();
                    value.Clear();
                    current = name;
                    break;
                case EnvValue:
                    current = current is null ? null : value;
                    break;
                case EnvEsc when i + 1 < payload.Length:
                    current?.Add(payload[++i]);
                    break;
                default:
                    current?.Add(b);
                    break;
            }
        }

        Add();
        return result;

        void Add()
        {
            if (current is not null && name.Count > 0 && result.Count < 64)
            {
                result[Printable(name.ToArray())] = Printable(value.ToArray());
            }
        }
    }

    private static void Escaped(ArrayBufferWriter<byte> buffer, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b <= EnvUserVar)
            {
                buffer.Write([EnvEsc]);
            }

            buffer.Write([b]);
        }
    }

    /// <summary>Peer-chosen text with control characters removed, so it is safe to show.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes) =>
        new(Encoding.UTF8.GetString(bytes).Where(c => !char.IsControl(c)).Take(256).ToArray());
}
