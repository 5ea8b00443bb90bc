using System.Net.Sockets;
using System.Runtime.InteropServices;
using static NetKit.Transport.Epoll.EpollInterop;

namespace NetKit.Transport.Epoll;

/// <summary>
/// A listening TCP socket whose connections the <see cref="EpollLoop"/> accepts on its own thread
/// and hands, at once, to the server's code there (whose first steps, a greeting and a read, run
/// right away). .NET's accept would complete on its socket engine's thread: a wake-up and a thread
/// switch for every connection, which costs more than the accept itself when every message comes
/// on a new connection (the SMTP benchmark).
/// </summary>
internal sealed class EpollListener
{
    private readonly EpollLoop _loop;
    private readonly Socket _socket;
    private readonly Action<Socket> _accepted;
    private readonly Action<SocketError> _failed;
    private readonly object _gate = new();
    private Timer? _retry;
    private bool _closed;

    private EpollListener(EpollLoop loop, Socket socket, Action<Socket> accepted, Action<SocketError> failed)
    {
        _loop = loop;
        _socket = socket;
        _accepted = accepted;
        _failed = failed;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
    }

    public int Fd { get; }

    public ulong Id { get; set; }

    /// <summary>
    /// Accepts <paramref name="listener"/>'s connections on the shared loop, calling
    /// <paramref name="accepted"/> there with each; null where the loop does not run.
    /// <paramref name="failed"/> hears of a failed accept (out of descriptors); it is tried again shortly.
    /// </summary>
    public static EpollListener? TryStart(Socket listener, Action<Socket> accepted, Action<SocketError> failed)
    {
        if (EpollLoop.Shared is not { } loop || listener.ProtocolType != ProtocolType.Tcp)
        {
            return null;
        }

        listener.Blocking = false; // accept4 must say EAGAIN, never wait, on the loop's thread
        var epoll = new EpollListener(loop, listener, accepted, failed);
        return loop.TryRegister(epoll) ? epoll : null;
    }

    /// <summary>
    /// On the loop's thread (or the retry timer's): accepts every connection waiting. The
    /// registration is edge-triggered, so it goes on until the kernel says there are no more.
    /// </summary>
    internal void OnReadable()
    {
        lock (_gate)
        {
            while (!_closed)
            {
                int fd;
                int errno;
                using (var lease = new DescriptorLease(_socket.SafeHandle))
                {
                    if (!lease.IsHeld)
                    {
                        return;
                    }

                    // A blocking descriptor, as .NET's accept gives: the epoll transport's calls say
                    // MSG_DONTWAIT each, and a NetworkStream (should epoll refuse it) needs a blocking socket.
                    fd = Accept4(Fd, 0, 0, SOCK_CLOEXEC);
                    errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
                }

                if (fd >= 0)
                {
                    Hand(fd);
                    continue;
                }

                switch (errno)
                {
                    case EAGAIN:
                        return;
                    case EINTR or ECONNABORTED or EPROTO:
                        continue; // That one connection went away before it was taken; go on.
                    default:
                        // Out of descriptors or memory: no new edge comes for the connections still
                        // queued, so look again after a short pause (the accept loop of .NET's path pauses too).
                        _failed(ErrnoToSocketError(errno));
                        _retry ??= new Timer(static state => ((EpollListener)state!).OnReadable(), this, Timeout.Infinite, Timeout.Infinite);
                        _retry.Change(50, Timeout.Infinite);
                        return;
                }
            }
        }
    }

    private void Hand(int fd)
    {
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        Socket socket;
        try
        {
            socket = new Socket(handle);
        }
#pragma warning disable CA1031 // Whatever the cause (a reset before .NET looked at it), that one connection is dropped and the others are still taken.
        catch (Exception)
#pragma warning restore CA1031
        {
            handle.Dispose();
            return;
        }

        _accepted(socket);
    }

    /// <summary>Stops accepting; the caller closes the socket afterwards.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _retry?.Dispose();
            _loop.Unregister(this);
        }
    }

    private const int ECONNABORTED = 103;
    private const int EPROTO = 71;

    private static SocketError ErrnoToSocketError(int errno) => errno switch
    {
        24 or 23 => SocketError.TooManyOpenSockets, // EMFILE, ENFILE
        105 or 12 => SocketError.NoBufferSpaceAvailable, // ENOBUFS, ENOMEM
        _ => SocketError.SocketError,
    };
}
