using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace NetKit.Transport;

/// <summary>Checks and decodes UTF-8 from the wire, saying where it goes wrong.</summary>
public static class Utf8Text
{
    /// <summary>The offset of the first byte that is not valid UTF-8, or -1 when all is valid.</summary>
    public static int FindInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>A one-line description of invalid UTF-8 for an error reply, e.g. <c>invalid UTF-8 at byte 3 (0xFF)</c>.</summary>
    public static string DescribeInvalid(ReadOnlySpan<byte> bytes)
    {
        var offset = FindInvalidByte(bytes);
        return offset < 0 ? "valid UTF-8" : $"invalid UTF-8 at byte {offset} (0x{bytes[offset]:X2})";
    }

    /// <summary>True when the bytes end with the start of a multi-byte sequence whose remaining bytes have not come yet.</summary>
    public static bool EndsInsideSequence(ReadOnlySpan<byte> bytes)
    {
        // Look back over at most three continuation bytes for the lead byte.
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: keep looking for its lead
            }

            var length = b switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 1, // ASCII, or a byte that can never start a character
            };
            return length > back;
        }

        return false;
    }

    /// <summary>Decodes when valid; false otherwise (no replacement characters sneak in).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!Utf8.IsValid(bytes))
        {
            text = string.Empty;
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
