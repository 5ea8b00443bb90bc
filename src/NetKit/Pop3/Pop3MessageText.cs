namespace NetKit.Pop3;

/// <summary>
/// What a message looks like on the wire of RETR and TOP, worked out from its stored
/// bytes. Lines end as <see cref="Smtp.DotStuffer"/> ends them: CRLF, and a bare LF or a
/// bare CR each made into a CRLF, with a CRLF added after an unterminated last line.
/// So the size LIST and STAT report is exactly the octets RETR sends before stuffing
/// (RFC 1939 section 11 asks for the size "with CRLF").
/// </summary>
public static class Pop3MessageText
{
    /// <summary>The message's size in octets as RETR sends it, before dot-stuffing.</summary>
    public static long WireSize(ReadOnlySpan<byte> message)
    {
        long size = 0;
        var position = 0;
        while (NextLine(message, ref position, out var contentLength))
        {
            size += contentLength + 2;
        }

        return size;
    }

    /// <summary>True when the bytes are already in wire form (every line ends in CRLF), so their length is their size.</summary>
    public static bool IsWireForm(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            return true;
        }

        if (message.Length < 2 || message[^2] != (byte)'\r' || message[^1] != (byte)'\n')
        {
            return false;
        }

        // Every CR must be followed by LF and every LF preceded by CR.
        var rest = message;
        while (true)
        {
            var i = rest.IndexOfAny((byte)'\r', (byte)'\n');
            if (i < 0)
            {
                return true;
            }

            if (rest[i] == (byte)'\n' || i + 1 >= rest.Length || rest[i + 1] != (byte)'\n')
            {
                return false;
            }

            rest = rest[(i + 2)..];
        }
    }

    /// <summary>
    /// The part of a message TOP sends (RFC 1939 section 7): the header, the blank
    /// line after it, and the first <paramref name="bodyLines"/> lines of the body.
    /// A message with no blank line is all header and is sent whole.
    /// </summary>
    public static ReadOnlySpan<byte> Top(ReadOnlySpan<byte> message, long bodyLines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyLines);
        var position = 0;
        var inHeader = true;
        long taken = 0;
        while (NextLine(message, ref position, out var contentLength))
        {
            if (inHeader)
            {
                inHeader = contentLength != 0;
                if (!inHeader && bodyLines == 0)
                {
                    return message[..position];
                }

                continue;
            }

            if (++taken == bodyLines)
            {
                return message[..position];
            }
        }

        return message;
    }

    /// <summary>Steps over one line from <paramref name="position"/>; false at the end of the message.</summary>
    private static bool NextLine(ReadOnlySpan<byte> message, ref int position, out int contentLength)
    {
        contentLength = 0;
        if (position >= message.Length)
        {
            return false;
        }

        var rest = message[position..];
        var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            contentLength = rest.Length;
            position = message.Length;
            return true;
        }

        contentLength = end;
        var endingLength = rest[end] == (byte)'\r' && end + 1 < rest.Length && rest[end + 1] == (byte)'\n' ? 2 : 1;
        position += end + endingLength;
        return true;
    }
}
