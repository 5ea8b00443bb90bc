using System.Buffers;
using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>
/// Replies waiting to be sent. A pipelining client (RFC 2920) sends many
/// commands at once; their replies are gathered here and go out in one send
/// when the session has read every command that had arrived, not one send each.
/// </summary>
internal sealed class SmtpReplyOutput(NetConnection connection) : IPendingOutput
{
    private const int InitialSize = 1024;
    private byte[]? _buffer;
    private int _count;

    public bool HasPending => _count > 0;

    public void Add(SmtpWireReply reply)
    {
        if (connection.Trace is { } trace)
        {
            foreach (var line in reply.Lines)
            {
                trace.Sent(line);
            }
        }

        var bytes = reply.Bytes;
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(InitialSize, bytes.Length));
        }
        else if (_buffer.Length - _count < bytes.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _count + bytes.Length));
            _buffer.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        bytes.CopyTo(_buffer.AsSpan(_count));
        _count += bytes.Length;
    }

    /// <summary>Sends what is waiting; the buffer goes back to the pool, so an idle session holds none.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer is not { } buffer)
        {
            return;
        }

        var count = _count;
        _buffer = null;
        _count = 0;
        try
        {
            await connection.SendAsync(buffer.AsMemory(0, count), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        connection.Touch();
    }
}
