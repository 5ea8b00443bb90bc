using System.Buffers;

namespace NetKit.Transport;

/// <summary>
/// Reads the lines of a text protocol: CRLF or bare LF, with a maximum length.
/// An overlong line is reported once, when it ends, and its bytes are dropped
/// as they arrive, so a hostile peer cannot make the buffer grow. Raw reads
/// (message bodies, literals) continue from the same buffer.
/// While nothing is buffered the reader holds no buffer at all: it waits with
/// a zero-byte read and rents one from the pool only when data arrives, which
/// keeps idle connections small.
/// On a <see cref="NetConnection"/> the reader marks traffic for the server's
/// idle timeout only when a line is complete (or raw bytes are taken), never
/// for a fragment: a client that trickles a line a byte at a time and never
/// ends it is closed at the idle timeout like a silent one (slowloris).
/// </summary>
public sealed class LineReader : IDisposable
{
    private const int InitialBufferSize = 4096;
    private readonly Func<Memory<byte>, CancellationToken, ValueTask<int>> _read;
    private readonly Func<WireTrace?> _trace;
    private readonly Action? _touch;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private bool _discarding;
    private byte[]? _overlongStart;
    private int _overlongStartLength;
    private bool _endOfStream;

    /// <summary>Reads from a connection, following it through a TLS upgrade.</summary>
    public LineReader(NetConnection connection, int maxLineLength = 8192)
        : this((buffer, ct) => connection.Stream.ReadAsync(buffer, ct), () => connection.Trace, maxLineLength)
    {
        // Stream.ReadAsync, not connection.ReadAsync: that one marks traffic at every read.
        _touch = connection.Touch;
    }

    /// <summary>Reads from any stream (tests, files, pipes).</summary>
    public LineReader(Stream stream, WireTrace? trace = null, int maxLineLength = 8192)
        : this(stream.ReadAsync, () => trace, maxLineLength)
    {
    }

    private LineReader(Func<Memory<byte>, CancellationToken, ValueTask<int>> read, Func<WireTrace?> trace, int maxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        _read = read;
        _trace = trace;
        MaxLineLength = maxLineLength;
    }

    /// <summary>The longest line accepted, in bytes, not counting the line ending.</summary>
    public int MaxLineLength { get; set; }

    /// <summary>
    /// Opt-in, 0 by default: how many of an overlong line's first bytes to keep and return as the
    /// <see cref="LineStatus.TooLong"/> result's bytes, so a protocol can still answer with the
    /// line's tag (IMAP). At 0 an overlong line's bytes are all dropped, as before.
    /// </summary>
    public int OverlongStartLength { get; set; }

    /// <summary>Bytes received and not yet consumed.</summary>
    public int Buffered => _end - _start;

    /// <summary>Reads the next line.</summary>
    public ValueTask<LineResult> ReadLineAsync(CancellationToken cancellationToken = default) =>
        ReadLineAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Reads the next line; when part of a line has arrived and the peer then
    /// sends nothing for <paramref name="pause"/>, returns that part as a line
    /// with <see cref="LineEnding.None"/>. This serves peers that send a message
    /// without a line ending and wait for the answer (the classic socket demos).
    /// </summary>
    public async ValueTask<LineResult> ReadLineAsync(TimeSpan pause, CancellationToken cancellationToken = default)
    {
        // The previous line's bytes are no longer promised to the caller.
        ReleaseIfEmpty();
        while (true)
        {
            if (TryTakeLine(out var result))
            {
                _touch?.Invoke();
                return result;
            }

            if (_endOfStream)
            {
                return TakeRemainderAtEnd();
            }

            // A pause never cuts a character in two: a partial line ending inside a
            // UTF-8 sequence waits for the rest of it.
            var partial = Buffered > 0 && !_discarding && pause != Timeout.InfiniteTimeSpan
                && !Utf8Text.EndsInsideSequence(_buffer.AsSpan(_start, Buffered));
            if (partial)
            {
                if (!await FillWithinAsync(pause, cancellationToken))
                {
                    _touch?.Invoke();
                    return TakePartial();
                }
            }
            else
            {
                await FillAsync(cancellationToken);
            }
        }
    }

    /// <summary>Reads raw bytes: first what is buffered, then from the stream. 0 means the end of the stream.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (Buffered == 0)
        {
            if (_endOfStream)
            {
                return 0;
            }

            var read = await _read(destination, cancellationToken);
            _touch?.Invoke();
            return read;
        }

        var n = Math.Min(destination.Length, Buffered);
        _buffer.AsSpan(_start, n).CopyTo(destination.Span);
        Consume(n);
        _touch?.Invoke();
        return n;
    }

    /// <summary>Reads exactly <c>destination.Length</c> bytes or throws <see cref="EndOfStreamException"/>.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (destination.Length > 0)
        {
            var n = await ReadAsync(destination, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException("The peer closed the connection in the middle of data.");
            }

            destination = destination[n..];
        }
    }

    /// <summary>
    /// Drops whatever is buffered and returns how many bytes that was. Called at
    /// STARTTLS: bytes a client sent before the handshake must never be read as
    /// if they came over TLS (the command-injection attack of RFC 3207 section 6).
    /// </summary>
    public int DiscardBuffered()
    {
        var n = Buffered;
        _start = _end = _scanned = 0;
        ReleaseIfEmpty();
        return n;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool TryTakeLine(out LineResult result)
    {
        result = default;
        if (Buffered == 0)
        {
            return false;
        }

        var window = _buffer.AsSpan(_start + _scanned, _end - _start - _scanned);
        var newline = window.IndexOf((byte)'\n');
        if (newline < 0)
        {
            _scanned = _end - _start;
            if (_discarding || _scanned > MaxLineLength + 1)
            {
                // Overlong: drop what we have, keep only a CR that may pair with the next LF.
                if (!_discarding)
                {
                    KeepOverlongStart(_buffer.AsSpan(_start, _end - _start));
                }

                _discarding = true;
                var keepCr = _buffer![_end - 1] == (byte)'\r' ? 1 : 0;
                _start = _end - keepCr;
                _scanned = keepCr;
            }

            return false;
        }

        var lineEnd = _start + _scanned + newline;
        var ending = LineEnding.Lf;
        var contentEnd = lineEnd;
        if (contentEnd > _start && _buffer![contentEnd - 1] == (byte)'\r')
        {
            contentEnd--;
            ending = LineEnding.CrLf;
        }

        var length = contentEnd - _start;
        var bytes = new ReadOnlyMemory<byte>(_buffer, _start, length);
        var wasDiscarding = _discarding;
        _discarding = false;
        _start = lineEnd + 1;
        _scanned = 0;
        if (wasDiscarding || length > MaxLineLength)
        {
            _trace()?.Received($"<line over {MaxLineLength} bytes dropped>");
            if (!wasDiscarding)
            {
                KeepOverlongStart(bytes.Span);
            }

            result = new LineResult(LineStatus.TooLong, _overlongStart.AsMemory(0, _overlongStartLength), ending);
        }
        else
        {
            _trace()?.Received(bytes.Span);
            result = new LineResult(LineStatus.Line, bytes, ending);
        }

        return true;
    }

    private void KeepOverlongStart(ReadOnlySpan<byte> lineStart)
    {
        _overlongStartLength = Math.Min(OverlongStartLength, lineStart.Length);
        if (_overlongStartLength == 0)
        {
            return;
        }

        if (_overlongStart is null || _overlongStart.Length < _overlongStartLength)
        {
            _overlongStart = new byte[OverlongStartLength];
        }

        lineStart[.._overlongStartLength].CopyTo(_overlongStart);
    }

    private LineResult TakePartial()
    {
        var bytes = new ReadOnlyMemory<byte>(_buffer, _start, Buffered);
        _trace()?.Received(bytes.Span);
        _start = _end;
        _scanned = 0;
        return new LineResult(LineStatus.Line, bytes, LineEnding.None);
    }

    private LineResult TakeRemainderAtEnd()
    {
        if (Buffered == 0 || _discarding)
        {
            _discarding = false;
            _start = _end = _scanned = 0;
            return new LineResult(LineStatus.EndOfStream, ReadOnlyMemory<byte>.Empty, LineEnding.None);
        }

        var bytes = new ReadOnlyMemory<byte>(_buffer, _start, Buffered);
        _start = _end;
        _scanned = 0;
        return new LineResult(LineStatus.EndOfStream, bytes, LineEnding.None);
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_buffer is null)
        {
            // Wait for data without holding memory (a zero-byte read), then rent.
            await _read(Memory<byte>.Empty, cancellationToken);
        }

        await ReadMoreAsync(cancellationToken);
    }

    /// <summary>Reads more unless nothing comes within <paramref name="pause"/>; false then.</summary>
    private async ValueTask<bool> FillWithinAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(pause);
        try
        {
            await ReadMoreAsync(timer.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async ValueTask ReadMoreAsync(CancellationToken cancellationToken)
    {
        PrepareSpace();
        var n = await _read(_buffer.AsMemory(_end), cancellationToken);
        if (n == 0)
        {
            _endOfStream = true;
            return;
        }

        _end += n;
    }

    private void PrepareSpace()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, MaxLineLength + 2));
            _start = _end = 0;
            return;
        }

        if (_start > 0)
        {
            // Move the unread bytes to the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, InitialBufferSize));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    private void Consume(int count)
    {
        _start += count;
        _scanned = Math.Max(0, _scanned - count);
        ReleaseIfEmpty();
    }

    private void ReleaseIfEmpty()
    {
        if (_start == _end && _buffer is not null && !_discarding)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = _scanned = 0;
        }
    }
}
