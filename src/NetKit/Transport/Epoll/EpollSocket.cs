using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using static NetKit.Transport.Epoll.EpollInterop;

namespace NetKit.Transport.Epoll;

/// <summary>
/// A connected stream socket served by the <see cref="EpollLoop"/>: async
/// receive and send with at most one of each pending, completed on the loop's
/// thread. Readiness is remembered per direction. Every system call and every
/// decision about a pending operation happens under one lock per socket, so a
/// cancellation or a close from another thread can never lose bytes, complete
/// the wrong operation or touch a buffer its owner has taken back.
/// </summary>
internal sealed class EpollSocket
{
    /// <summary>Reads completed at once, in a row, on the loop's thread before the others get a turn.</summary>
    private const int FairnessBudget = 32;

    private readonly EpollLoop _loop;
    private readonly SafeHandle _handle;
    private readonly object _gate = new();
    private readonly ReadOperation _read;
    private readonly WriteOperation _write;
    private readonly bool _shortReadMeansEmpty;

    // Not readable until epoll says so: registering reports what is already there.
    private bool _readable;
    private bool _writable = true;
    private bool _shortReadsUnreliable;
    private bool _closed;
    private int _readsInARow;

    private EpollSocket(EpollLoop loop, Socket socket)
    {
        _loop = loop;
        _handle = socket.SafeHandle;
        Fd = (int)socket.SafeHandle.DangerousGetHandle(); // not Socket.Handle, which marks the handle as handed out
        // On TCP a read that returns less than asked for has emptied the socket:
        // data that comes later raises a new edge. Not on Unix stream sockets,
        // which stop short at passed descriptors and credentials.
        _shortReadMeansEmpty = socket.ProtocolType == ProtocolType.Tcp;
        _read = new ReadOperation(this);
        _write = new WriteOperation(this);
    }

    public int Fd { get; }

    public ulong Id { get; set; }

    internal SafeHandle Handle => _handle;

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

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            while (true)
            {
                if (!_readable)
                {
                    _readsInARow = 0;
                    return _read.Park(buffer, cancellationToken);
                }

                if (EpollLoop.IsLoopThread && ++_readsInARow > FairnessBudget)
                {
                    // A client that always has more to send must not keep the loop from the others.
                    _readsInARow = 0;
                    var later = _read.Park(buffer, cancellationToken);
                    _loop.Post(this);
                    return later;
                }

                var n = Attempt(buffer.Span, out var errno);
                if (n >= 0)
                {
                    return ValueTask.FromResult(n);
                }

                if (errno != EAGAIN)
                {
                    return ValueTask.FromException<int>(new SocketException(ToSocketError(errno)));
                }

                _readable = false;
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

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            while (!data.IsEmpty)
            {
                if (!_writable)
                {
                    return _write.Park(data, cancellationToken);
                }

                var n = TrySend(data.Span, out var errno);
                if (n > 0)
                {
                    data = data[n..];
                }
                else if (errno == EAGAIN)
                {
                    _writable = false;
                }
                else
                {
                    return ValueTask.FromException(new SocketException(ToSocketError(errno)));
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Stops watching and fails whatever waits. Call before the socket is closed:
    /// a second caller waits until the first has unregistered, so the descriptor
    /// is never closed (and its number reused) before epoll has let go of it.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _loop.Unregister(this);
        }

        _read.Fail(new SocketException((int)SocketError.OperationAborted));
        _write.Fail(new SocketException((int)SocketError.OperationAborted));
    }

    /// <summary>On the loop's thread: readiness changed.</summary>
    internal void OnEvents(uint events)
    {
        lock (_gate)
        {
            if ((events & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
            {
                _readable = true;
            }

            // After a hang-up the end of the stream may still be queued behind a
            // short read, and TCP urgent data stops a read short at its mark: from
            // then on only EAGAIN says "empty".
            if ((events & (EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
            {
                _shortReadsUnreliable = true;
            }

            if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0)
            {
                _writable = true;
            }
        }

        _read.Resume();
        _write.Resume();
    }

    /// <summary>On the loop's thread: a read postponed for fairness gets its turn.</summary>
    internal void OnTurn() => _read.Resume();

    /// <summary>
    /// Under the lock: one non-blocking read (for an empty buffer, a one-byte
    /// peek: is anything there?). A short TCP read marks the socket empty.
    /// Returns -1 with errno on failure.
    /// </summary>
    private unsafe int Attempt(Span<byte> buffer, out int errno)
    {
        using var lease = new DescriptorLease(_handle);
        if (!lease.IsHeld)
        {
            errno = EBADF;
            return -1;
        }

        byte peek;
        nint n;
        fixed (byte* p = buffer)
        {
            n = buffer.IsEmpty
                ? RecvRetrying(Fd, &peek, 1, MSG_DONTWAIT | MSG_PEEK, out errno)
                : RecvRetrying(Fd, p, buffer.Length, MSG_DONTWAIT, out errno);
        }

        if (buffer.IsEmpty)
        {
            return n < 0 ? -1 : 0;
        }

        if (n > 0 && n < buffer.Length && _shortReadMeansEmpty && !_shortReadsUnreliable)
        {
            _readable = false;
        }

        return (int)n;
    }

    /// <summary>Under the lock: one non-blocking send. -1 with errno on failure.</summary>
    private unsafe int TrySend(ReadOnlySpan<byte> data, out int errno)
    {
        using var lease = new DescriptorLease(_handle);
        if (!lease.IsHeld)
        {
            errno = EBADF;
            return -1;
        }

        fixed (byte* p = data)
        {
            return (int)SendRetrying(Fd, p, data.Length, MSG_DONTWAIT | MSG_NOSIGNAL, out errno);
        }
    }

    private static int ToSocketError(int errno) => errno switch
    {
        104 => (int)SocketError.ConnectionReset,   // ECONNRESET
        32 => (int)SocketError.Shutdown,           // EPIPE
        110 => (int)SocketError.TimedOut,          // ETIMEDOUT
        EBADF => (int)SocketError.OperationAborted, // closed
        107 => (int)SocketError.NotConnected,      // ENOTCONN
        _ => (int)SocketError.SocketError,
    };

    /// <summary>
    /// What a pending receive and a pending send share: the awaiter (its
    /// continuation runs inline, on the completing thread), the parked state
    /// (changed only under the owner's lock), cancellation, and failing when the
    /// socket closes. Completion always happens outside the lock.
    /// </summary>
    private abstract class PendingOperation<TResult>(EpollSocket owner)
    {
        private ManualResetValueTaskSourceCore<TResult> _core;
        private CancellationTokenRegistration _cancellation;
        private bool _parked;

        protected EpollSocket Owner => owner;

        protected bool IsParked => _parked;

        /// <summary>Fails the waiting caller, if any (the socket closed).</summary>
        public void Fail(Exception error)
        {
            CancellationTokenRegistration registration;
            lock (owner._gate)
            {
                if (!TryUnpark(out registration))
                {
                    return;
                }
            }

            Complete(registration, default!, error);
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        protected TResult Result(short token) => _core.GetResult(token);

        /// <summary>Under the owner's lock: one receive and one send may wait at a time.</summary>
        protected void ThrowIfParked()
        {
            if (_parked)
            {
                throw new InvalidOperationException("An operation of this kind is already pending on this connection.");
            }
        }

        /// <summary>Under the owner's lock: starts waiting; returns the awaiter's version.</summary>
        protected short BeginPark(CancellationToken cancellationToken)
        {
            _core.Reset();
            _parked = true;
            if (cancellationToken.CanBeCanceled)
            {
                // Registered after parking, so a token cancelled meanwhile cancels this wait
                // (its callback runs here, at once, and completes the operation).
                var registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingOperation<TResult>)state!).Cancel(token), this);
                if (_parked)
                {
                    _cancellation = registration;
                }
            }

            return _core.Version;
        }

        /// <summary>Under the owner's lock: takes the parked state; false when it was already finished.</summary>
        protected bool TryUnpark(out CancellationTokenRegistration registration)
        {
            registration = default;
            if (!_parked)
            {
                return false;
            }

            _parked = false;
            registration = _cancellation;
            _cancellation = default;
            ClearState();
            return true;
        }

        /// <summary>Outside the lock: hands the result to the waiting caller (whose code may run right here).</summary>
        protected void Complete(CancellationTokenRegistration registration, TResult result, Exception? error)
        {
            registration.Unregister();
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

        private void Cancel(CancellationToken token)
        {
            CancellationTokenRegistration registration;
            lock (owner._gate)
            {
                if (!TryUnpark(out registration))
                {
                    return;
                }
            }

            Complete(registration, default!, new OperationCanceledException(token));
        }
    }

    /// <summary>The one pending receive and its buffer.</summary>
    private sealed class ReadOperation(EpollSocket owner) : PendingOperation<int>(owner), IValueTaskSource<int>
    {
        private Memory<byte> _buffer;

        /// <summary>Under the owner's lock: waits for readiness.</summary>
        public ValueTask<int> Park(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            ThrowIfParked();
            _buffer = buffer;
            var version = BeginPark(cancellationToken);
            return new ValueTask<int>(this, version);
        }

        /// <summary>After readiness: reads for the parked caller, deciding under the lock.</summary>
        public void Resume()
        {
            int n;
            Exception? error = null;
            CancellationTokenRegistration registration;
            lock (Owner._gate)
            {
                if (!IsParked || !Owner._readable)
                {
                    return;
                }

                // A zero-byte read only waits for "something arrived" (data, the end, an error), and
                // the edge just said so: no peek (one system call less per request). Should the edge
                // be stale, the caller's real read finds the socket empty and waits again.
                var errno = 0;
                n = _buffer.IsEmpty ? 0 : Owner.Attempt(_buffer.Span, out errno);
                if (n < 0 && errno == EAGAIN)
                {
                    Owner._readable = false; // A wake-up with nothing to read: stay parked.
                    return;
                }

                if (n < 0)
                {
                    error = new SocketException(ToSocketError(errno));
                    n = 0;
                }

                TryUnpark(out registration);
            }

            Complete(registration, n, error);
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
            ThrowIfParked();
            _remaining = data;
            var version = BeginPark(cancellationToken);
            return new ValueTask(this, version);
        }

        /// <summary>After room appeared: sends the rest for the parked caller, deciding under the lock.</summary>
        public void Resume()
        {
            Exception? error = null;
            CancellationTokenRegistration registration;
            lock (Owner._gate)
            {
                if (!IsParked || !Owner._writable)
                {
                    return;
                }

                while (!_remaining.IsEmpty)
                {
                    var n = Owner.TrySend(_remaining.Span, out var errno);
                    if (n > 0)
                    {
                        _remaining = _remaining[n..];
                    }
                    else if (errno == EAGAIN)
                    {
                        Owner._writable = false;
                        return; // Wait for the next edge.
                    }
                    else
                    {
                        error = new SocketException(ToSocketError(errno));
                        break;
                    }
                }

                TryUnpark(out registration);
            }

            Complete(registration, true, error);
        }

        public void GetResult(short token) => Result(token);

        protected override void ClearState() => _remaining = default;
    }
}
