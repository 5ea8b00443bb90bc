using System.Buffers;
using System.Text;
using NetKit.Smtp;
using NetKit.Transport;

namespace NetKit.Pop3.Server;

/// <summary>
/// Responses waiting to be sent. A pipelining client's batch is answered with one
/// write: the session flushes only when it has no further command buffered, or when
/// a big RETR has filled the buffer.
/// </summary>
internal sealed class Pop3Output(NetConnection connection) : IPendingOutput
{
    private ArrayBufferWriter<byte> _buffer = new(4096);

    public bool HasPending => _buffer.WrittenCount > 0;

    public int Pending => _buffer.WrittenCount;

    public void Line(string line, bool secret = false)
    {
        connection.Trace?.Sent(line, secret);
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
        var n = Encoding.UTF8.GetBytes(line, span);
        span[n] = (byte)'\r';
        span[n + 1] = (byte)'\n';
        _buffer.Advance(n + 2);
    }

    public void Response(Pop3Response response) => Line(response.ToString());

    /// <summary>The body of a multi-line response: dot-stuffed, ended with the lone dot.</summary>
    public void Body(ReadOnlySpan<byte> content)
    {
        var stuffer = new DotStuffer();
        stuffer.Encode(content, _buffer);
        stuffer.Complete(_buffer);
        connection.Trace?.Note($"({content.Length} octets of message, then \".\")");
    }

    /// <summary>Lines of a multi-line response (LIST, UIDL, CAPA), each stuffed, then the lone dot.</summary>
    public void Lines(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            Line(line.StartsWith('.') ? "." + line : line);
        }

        Line(".");
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        await connection.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        if (_buffer.Capacity > 256 * 1024)
        {
            _buffer = new ArrayBufferWriter<byte>(4096); // a big RETR's buffer is not kept by an idle session
        }
        else
        {
            _buffer.ResetWrittenCount();
        }
    }
}
