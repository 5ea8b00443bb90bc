namespace NetKit.Transport.Epoll;

/// <summary>
/// An <see cref="EpollSocket"/> as a <see cref="Stream"/>, so that line I/O
/// and TLS run over the epoll transport unchanged. The connection owns the
/// socket; disposing this stream closes nothing.
/// </summary>
internal sealed class EpollSocketStream(EpollSocket socket) : Stream
{
    public EpollSocket Socket => socket;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        socket.ReceiveAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        socket.ReceiveAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        socket.SendAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        socket.SendAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Blocking calls are not NetKit's way; they are here for code that insists,
    // but never on the loop's thread, which would wait for itself for ever.
    public override int Read(byte[] buffer, int offset, int count)
    {
        ThrowIfOnLoopThread();
        return socket.ReceiveAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfOnLoopThread();
        socket.SendAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    private static void ThrowIfOnLoopThread()
    {
        if (EpollLoop.IsLoopThread)
        {
            throw new InvalidOperationException("Blocking I/O on NetKit's event-loop thread would stop every connection; use ReadAsync/WriteAsync.");
        }
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
