namespace NetKit.Ftp;

/// <summary>
/// TYPE A's line ends (RFC 959 3.1.1.1): CRLF on the wire, the local
/// convention (LF) in the file. Both directions work a buffer at a time and
/// carry state across buffers, so a CR and its LF may arrive apart.
/// </summary>
public sealed class FtpAscii
{
    private bool _pendingCr;

    /// <summary>LF → CRLF (an LF already after a CR stays as it is). <paramref name="destination"/> needs twice the room.</summary>
    public int ToNetwork(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = 0;
        foreach (var b in source)
        {
            if (b == (byte)'\n' && !_pendingCr)
            {
                destination[n++] = (byte)'\r';
            }

            destination[n++] = b;
            _pendingCr = b == (byte)'\r';
        }

        return n;
    }

    /// <summary>CRLF → LF; a CR not followed by LF stays. A CR at the end of a buffer waits for the next one (or <see cref="Flush"/>).</summary>
    public int ToLocal(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = 0;
        foreach (var b in source)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b != (byte)'\n')
                {
                    destination[n++] = (byte)'\r';
                }
            }

            if (b == (byte)'\r')
            {
                _pendingCr = true;
                continue;
            }

            destination[n++] = b;
        }

        return n;
    }

    /// <summary>At the end of an upload: a lone CR held back is written out. Returns 0 or 1 byte.</summary>
    public int Flush(Span<byte> destination)
    {
        if (!_pendingCr)
        {
            return 0;
        }

        _pendingCr = false;
        destination[0] = (byte)'\r';
        return 1;
    }
}
