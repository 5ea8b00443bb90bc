using System.Text;

namespace NetKit.Tests.Support;

/// <summary>Byte-exact comparison that, when it fails, shows both sides readably (control bytes escaped) and where they part.</summary>
public static class ByteAssert
{
    public static void Equal(byte[] expected, byte[] actual, string what = "bytes")
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var common = expected.AsSpan().CommonPrefixLength(actual);
        Assert.Fail($"{what} differ at byte {common} (expected {expected.Length} bytes, got {actual.Length}).\n--- expected:\n{Show(expected)}\n--- actual:\n{Show(actual)}");
    }

    /// <summary>Printable ASCII as is, CR and LF as \r \n (lines kept), everything else as \xNN; long texts cut.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, 4000)])
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n\n",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return bytes.Length > 4000 ? text.Append("…").ToString() : text.ToString();
    }
}
