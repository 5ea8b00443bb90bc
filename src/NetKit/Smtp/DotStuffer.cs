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
        while (!input.IsEmpty)
        {
            if (_afterCr)
            {
                _afterCr = false;
                Put(output, (byte)'\n'); // CR LF, or a bare CR made whole
                _atLineStart = true;
                if (input[0] == (byte)'\n')
                {
                    input = input[1..];
                }

                continue;
            }

            if (_atLineStart && input[0] == (byte)'.')
            {
                Put(output, (byte)'.');
            }

            // Everything up to the next line ending goes as it is, in one copy.
            var end = input.IndexOfAny((byte)'\r', (byte)'\n');
            var run = end < 0 ? input : input[..end];
            if (!run.IsEmpty)
            {
                output.Write(run);
                _atLineStart = false;
                input = input[run.Length..];
                continue;
            }

            Put(output, (byte)'\r');
            if (input[0] == (byte)'\r')
            {
                _afterCr = true;
            }
            else
            {
                Put(output, (byte)'\n'); // A bare LF becomes CRLF.
                _atLineStart = true;
            }

            input = input[1..];
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
