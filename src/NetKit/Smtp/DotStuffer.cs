using System.Buffers;

namespace NetKit.Smtp;

/// <summary>
/// The sending side of DATA (RFC 5321 4.5.2), streaming: a message's bytes in
/// chunks of any size in, wire bytes out. Every line ending becomes CRLF (a
/// bare LF or CR would let a receiver see lines the sender did not mean: the
/// "SMTP smuggling" class), a dot at the start of a line is doubled, and
/// <see cref="Complete"/> ends the message with <c>CRLF . CRLF</c>.
/// </summary>
public sealed class DotStuffer
{
    private bool _atLineStart = true;
    private bool _afterCr;

    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        foreach (var b in input)
        {
            if (_afterCr)
            {
                _afterCr = false;
                Put(output, (byte)'\n'); // CR LF, or a bare CR made whole
                _atLineStart = true;
                if (b == (byte)'\n')
                {
                    continue;
                }
            }

            switch (b)
            {
                case (byte)'\r':
                    Put(output, b);
                    _afterCr = true;
                    break;
                case (byte)'\n':
                    Put(output, (byte)'\r');
                    Put(output, (byte)'\n');
                    _atLineStart = true;
                    break;
                default:
                    if (_atLineStart && b == (byte)'.')
                    {
                        Put(output, (byte)'.');
                    }

                    Put(output, b);
                    _atLineStart = false;
                    break;
            }
        }
    }

    /// <summary>Ends the message: the last line's CRLF if it had none, then the lone dot.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_afterCr)
        {
            Put(output, (byte)'\n');
        }
        else if (!_atLineStart)
        {
            Put(output, (byte)'\r');
            Put(output, (byte)'\n');
        }

        output.Write(".\r\n"u8);
        _atLineStart = true;
        _afterCr = false;
    }

    /// <summary>The whole wire form of a message held in memory.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> message)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + message.Length / 32 + 8);
        var stuffer = new DotStuffer();
        stuffer.Encode(message, output);
        stuffer.Complete(output);
        return output.WrittenSpan.ToArray();
    }

    private static void Put(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
