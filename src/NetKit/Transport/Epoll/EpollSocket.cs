using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using static NetKit.Transport.Epoll.EpollInterop;

namespace NetKit.Transport.Epoll;

/// <summary>
/// A connected stream socket served by the <see cref="EpollLoop"/>: async
/// receive and send with at most one of each pending, completed on the loop's
/// thread. Readiness is remembered per direction; a sequence number of
/// readiness events closes the race between "the socket is empty" (EAGAIN, or
/// a short read) and an event that arrives meanwhile.
/// </summary>
internal sealed class EpollSocket
{
    private readonly EpollLoop _loop;
    private readonly SafeHandle _handle;
    private readonly object _gate = new();
    private readonly ReadOperation _read;
    private readonly WriteOperation _write;
    private bool _readable = true;
    private bool _writable = true;
    private long _readEvents;
    private long _writeEvents;
    private bool _closed;
    private bool _hangUp;

    private EpollSocket(EpollLoop loop, Socket socket)
    {
        _loop = loop;
        _handle = socket.SafeHandle;
        Fd = (int)socket.SafeHandle.DangerousGetHandle(); // not Socket.Handle, which marks the handle as handed out
        _read = new ReadOperation(this);
        _write = new WriteOperation(this);
    }

    public int Fd { get; }

    public ulong Id { get; set; }

    /// <summary>Puts a connected socket on the shared loop; null where the loop does not run.</summary>
    public static EpollSocket? TryCreate(Socket socket)
    {
        if (EpollLoop.Shared is not { } loop)
        {
            return null;
        }

        var epoll = new EpollSocket(loop, socket);
        return loop.TryRegister(epoll) ? epoll : null;
    }

    /// <summary>Reads what is there; 0 at the end of the stream. A zero-length buffer waits for data without taking it.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        while (true)
        {
            long seen;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                seen = _readEvents;
                if (!_readable)
                {
                    return _read.Park(buffer, cancellationToken);
                }
            }

            if (buffer.IsEmpty)
            {
                return ValueTask.FromResult(0);
            }

            var n = TryReceive(buffer.Span, seen, out var errno);
            if (n >= 0)
            {
                return ValueTask.FromResult(n);
            }

            if (errno != EAGAIN)
            {
                return ValueTask.FromException<int>(new SocketException(ToSocketError(errno)));
            }

            lock (_gate)
            {
                if (_readEvents == seen)
                {
                    _readable = false;
                }
            }
        }
    }

    /// <summary>Sends all of <paramref name="data"/>; waits for room in the kernel's buffer when it is full.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        while (!data.IsEmpty)
        {
            long seen;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                seen = _writeEvents;
                if (!_writable)
                {
                    return _write.Park(data, cancellationToken);
                }
            }

            var n = TrySend(data.Span, out var errno);
            if (n > 0)
            {
                data = data[n..];
                continue;
            }

            if (errno != EAGAIN)
            {
                return ValueTask.FromException(new SocketException(ToSocketError(errno)));
            }

            lock (_gate)
            {
                if (_writeEvents == seen)
                {
                    _writable = false;
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Stops watching and fails whatever waits. Call before the socket is closed.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _loop.Unregister(this);
        _read.Fail(new SocketException((int)SocketError.OperationAborted));
        _write.Fail(new SocketException((int)SocketError.OperationAborted));
    }

    /// <summary>On the loop's thread: readiness changed.</summary>
    internal void OnEvents(uint events)
    {
        var wakeRead = false;
        var wakeWrite = false;
        lock (_gate)
        {
            if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
            {
                _readEvents++;
                _readable = true;
                // Data and the peer's FIN can come in one edge: after a hang-up a short
                // read no longer means "empty" (the end of the stream is still to be read).
                _hangUp |= (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
                wakeRead = _read.IsParked;
            }

            if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0)
            {
                _writeEvents++;
                _writable = true;
                wakeWrite = _write.IsParked;
            }
        }

        if (wakeRead)
        {
            _read.Resume();
        }

        if (wakeWrite)
        {
            _write.Resume();
        }
    }

    /// <summary>One non-blocking recv; marks the socket drained after a short read. -1 with errno on failure.</summary>
    private unsafe int TryReceive(Span<byte> buffer, long seen, out int errno)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            nint n;
            fixed (byte* p = buffer)
            {
                do
                {
                    n = Recv(Fd, p, buffer.Length, MSG_DONTWAIT);
                    errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (n < 0 && errno == EINTR);
            }

            if (n > 0 && n < buffer.Length)
            {
                // A short read emptied the socket; new data will raise a new edge.
                lock (_gate)
                {
                    if (_readEvents == seen && !_hangUp)
                    {
                        _readable = false;
                    }
                }
            }

            return (int)n;
        }
        catch (ObjectDisposedException)
        {
            errno = 9; // EBADF: closed under us
            return -1;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private unsafe int TrySend(ReadOnlySpan<byte> data, out int errno)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            nint n;
            fixed (byte* p = data)
            {
                do
                {
                    n = Send(Fd, p, data.Length, MSG_DONTWAIT | MSG_NOSIGNAL);
                    errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (n < 0 && errno == EINTR);
            }

            return (int)n;
        }
        catch (ObjectDisposedException)
        {
            errno = 9;
            return -1;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private static int ToSocketError(int errno) => errno switch
    {
        104 => (int)SocketError.ConnectionReset,   // ECONNRESET
        32 => (int)SocketError.Shutdown,           // EPIPE
        110 => (int)SocketError.TimedOut,          // ETIMEDOUT
        9 => (int)SocketError.OperationAborted,    // EBADF: closed
        107 => (int)SocketError.NotConnected,      // ENOTCONN
        _ => (int)SocketError.SocketError,
    };

    /// <summary>
    /// What a pending receive and a pending send share: the awaiter (its
    /// continuation runs inline, on the loop's thread), the parked flag under the
    /// owner's lock, cancellation, and failing when the socket closes.
    /// </summary>
    private abstract class PendingOperation<TResult>(EpollSocket owner)
    {
        private ManualResetValueTaskSourceCore<TResult> _core;
        private CancellationTokenRegistration _cancellation;
        private bool _parked;

        public bool IsParked => _parked;

        protected EpollSocket Owner => owner;

        /// <summary>Fails the waiting caller, if any (the socket closed).</summary>
        public void Fail(Exception error)
        {
            if (Unpark())
            {
                _core.SetException(error);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        protected TResult Result(short token) => _core.GetResult(token);

        /// <summary>Under the owner's lock: starts waiting; returns the awaiter's version.</summary>
        protected short BeginPark(CancellationToken cancellationToken)
        {
            if (_parked)
            {
                throw new InvalidOperationException("An operation of this kind is already pending on this connection.");
            }

            _core.Reset();
            _parked = true;
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingOperation<TResult>)state!).Cancel(token), this);
            }

            return _core.Version;
        }

        /// <summary>Finishes the wait with a result or an error; nothing when someone else finished it first.</summary>
        protected void Finish(TResult result, Exception? error = null)
        {
            if (!Unpark())
            {
                return;
            }

            if (error is null)
            {
                _core.SetResult(result);
            }
            else
            {
                _core.SetException(error);
            }
        }

        /// <summary>Under the owner's lock: forgets the buffer or data of the finished wait.</summary>
        protected abstract void ClearState();

        private void Cancel(CancellationToken token) => Finish(default!, new OperationCanceledException(token));

        private bool Unpark()
        {
            lock (owner._gate)
            {
                if (!_parked)
                {
                    return false;
                }

                _parked = false;
                ClearState();
            }

            _cancellation.Unregister();
            _cancellation = default;
            return true;
        }
    }

    /// <summary>The one pending receive and its buffer.</summary>
    private sealed class ReadOperation(EpollSocket owner) : PendingOperation<int>(owner), IValueTaskSource<int>
    {
        private Memory<byte> _buffer;

        /// <summary>Under the owner's lock: waits for readiness.</summary>
        public ValueTask<int> Park(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var version = BeginPark(cancellationToken);
            _buffer = buffer;
            return new ValueTask<int>(this, version);
        }

        /// <summary>On the loop's thread, after readiness: tries the read for the parked caller.</summary>
        public void Resume()
        {
            Memory<byte> buffer;
            long seen;
            lock (Owner._gate)
            {
                if (!IsParked)
                {
                    return;
                }

                buffer = _buffer;
                seen = Owner._readEvents;
            }

            if (buffer.IsEmpty)
            {
                Finish(0);
                return;
            }

            var n = Owner.TryReceive(buffer.Span, seen, out var errno);
            if (n >= 0)
            {
                Finish(n);
            }
            else if (errno != EAGAIN)
            {
                Finish(0, new SocketException(ToSocketError(errno)));
            }
            else
            {
                lock (Owner._gate)
                {
                    if (Owner._readEvents == seen)
                    {
                        Owner._readable = false;
                    }
                }

                // A spurious wake-up: stay parked.
            }
        }

        public int GetResult(short token) => Result(token);

        protected override void ClearState() => _buffer = default;
    }

    /// <summary>The one pending send and what is left of its data.</summary>
    private sealed class WriteOperation(EpollSocket owner) : PendingOperation<bool>(owner), IValueTaskSource
    {
        private ReadOnlyMemory<byte> _remaining;

        public ValueTask Park(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var version = BeginPark(cancellationToken);
            _remaining = data;
            return new ValueTask(this, version);
        }

        /// <summary>On the loop's thread, after room appeared: sends the rest for the parked caller.</summary>
        public void Resume()
        {
            ReadOnlyMemory<byte> data;
            lock (Owner._gate)
            {
                if (!IsParked)
                {
                    return;
                }

                data = _remaining;
            }

            while (!data.IsEmpty)
            {
                long seen;
                lock (Owner._gate)
                {
                    seen = Owner._writeEvents;
                }

                var n = Owner.TrySend(data.Span, out var errno);
                if (n > 0)
                {
                    data = data[n..];
                    continue;
                }

                if (errno != EAGAIN)
                {
                    Finish(false, new SocketException(ToSocketError(errno)));
                    return;
                }

                lock (Owner._gate)
                {
                    if (!IsParked)
                    {
                        return;
                    }

                    _remaining = data;
                    if (Owner._writeEvents == seen)
                    {
                        Owner._writable = false;
                        return; // Wait for the next edge.
                    }
                }
            }

            Finish(true);
        }

        public void GetResult(short token) => Result(token);

        protected override void ClearState() => _remaining = default;
    }
}
