using System.Buffers;
using NetKit.Transport;

namespace NetKit.Pop3;

/// <summary>
/// Reads the body of a multi-line response (RFC 1939 section 3) up to the lone dot,
/// taking one leading dot off each line. The client's side of RETR, TOP, LIST, UIDL
/// and CAPA. <see cref="Smtp.SmtpDataReader"/> is the server side of SMTP's DATA and
/// rightly refuses bare LF; a POP3 client reads what a server sends, so here a bare LF
/// is a line ending too and each line keeps the ending it came with: the bytes
/// returned are exactly the message the server meant.
/// </summary>
public static class Pop3MultilineReader
{
    /// <summary>
    /// Reads to the lone dot into <paramref name="output"/>. Throws <see cref="Pop3ProtocolException"/>
    /// when the connection ends first, a line is longer than the reader allows, or the body
    /// passes <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<long> ReadAsync(LineReader reader, IBufferWriter<byte> output, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        long size = 0;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            switch (line.Status)
            {
                case LineStatus.EndOfStream:
                    throw new Pop3ProtocolException("the server closed the connection in the middle of a multi-line response");
                case LineStatus.TooLong:
                    throw new Pop3ProtocolException($"the server sent a line longer than {reader.MaxLineLength} bytes");
            }

            var bytes = line.Bytes.Span;
            if (bytes.Length == 1 && bytes[0] == (byte)'.')
            {
                return size;
            }

            if (bytes.Length > 0 && bytes[0] == (byte)'.')
            {
                bytes = bytes[1..];
            }

            var ending = LineResult.Terminator(line.Ending);
            size += bytes.Length + ending.Length;
            if (size > maxBytes)
            {
                throw new Pop3ProtocolException($"the server sent a response bigger than the limit of {maxBytes} bytes");
            }

            output.Write(bytes);
            output.Write(ending);
        }
    }

    /// <summary>Reads a multi-line response of text lines (LIST, UIDL, CAPA), without their endings.</summary>
    public static async Task<IReadOnlyList<string>> ReadLinesAsync(LineReader reader, long maxBytes, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>();
        await ReadAsync(reader, buffer, maxBytes, cancellationToken);
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        var lines = text.Split('\n');
        return [.. lines.Take(lines.Length - 1).Select(l => l.TrimEnd('\r'))];
    }
}
