using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using static NetKit.Transport.Epoll.EpollInterop;

namespace NetKit.Transport.Epoll;

/// <summary>
/// One thread waiting in epoll_wait for the stream sockets of NetKit's servers,
/// the way a C event-loop server does: a readiness event runs the waiting
/// session's continuation right here, which reads, answers and goes back to
/// waiting without a speculative read (edge-triggered readiness plus a
/// "drained" flag tell when the socket is empty). That is two system calls
/// per request and reply; .NET's general socket engine spends three or four.
/// Linux on x86-64 only; elsewhere NetKit uses .NET's sockets as they are.
/// </summary>
internal sealed class EpollLoop
{
    private static readonly Lazy<EpollLoop?> s_shared = new(Create);
    private readonly int _epfd;
    private readonly ConcurrentDictionary<ulong, EpollSocket> _sockets = new();
    private readonly ConcurrentDictionary<ulong, EpollListener> _listeners = new();
    private readonly Queue<EpollSocket> _turns = new(); // touched only by the loop's thread
    private long _nextId;

    [ThreadStatic]
    private static bool t_isLoopThread;

    private EpollLoop(int epfd)
    {
        _epfd = epfd;
        var thread = new Thread(Run) { IsBackground = true, Name = "NetKit epoll" };
        thread.Start();
    }

    /// <summary>Whether the epoll transport can run here (Linux, x86-64) and is not switched off.</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture == Architecture.X64
        && Environment.GetEnvironmentVariable("NETKIT_TRANSPORT") != "sockets";

    /// <summary>True on the loop's own thread, where blocking would stop every connection.</summary>
    public static bool IsLoopThread => t_isLoopThread;

    /// <summary>The process's loop, started on first use; null where it is not supported.</summary>
    public static EpollLoop? Shared => s_shared.Value;

    private static EpollLoop? Create()
    {
        if (!IsSupported)
        {
            return null;
        }

        try
        {
            var epfd = EpollCreate1(EPOLL_CLOEXEC);
            return epfd < 0 ? null : new EpollLoop(epfd);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // No usable libc (musl, say): .NET's sockets serve instead.
        }
    }

    /// <summary>Watches a connected socket for readiness, once, edge-triggered.</summary>
    public bool TryRegister(EpollSocket socket)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        socket.Id = id;
        _sockets[id] = socket;
        var ev = new EpollEvent { Events = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDHUP | EPOLLET, Data = id };
        if (EpollCtl(_epfd, EPOLL_CTL_ADD, socket.Fd, ref ev) == 0)
        {
            return true;
        }

        _sockets.TryRemove(id, out _);
        return false;
    }

    /// <summary>Watches a listening socket for connections, edge-triggered.</summary>
    public bool TryRegister(EpollListener listener)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        listener.Id = id;
        _listeners[id] = listener;
        var ev = new EpollEvent { Events = EPOLLIN | EPOLLET, Data = id };
        if (EpollCtl(_epfd, EPOLL_CTL_ADD, listener.Fd, ref ev) == 0)
        {
            return true;
        }

        _listeners.TryRemove(id, out _);
        return false;
    }

    /// <summary>Stops watching a listening socket (which stays open a while yet: taken out of the set at once).</summary>
    public void Unregister(EpollListener listener)
    {
        if (_listeners.TryRemove(listener.Id, out _))
        {
            var ev = default(EpollEvent);
            _ = EpollCtl(_epfd, EPOLL_CTL_DEL, listener.Fd, ref ev);
        }
    }

    /// <summary>
    /// Stops watching: events that still come for the socket find no entry and are dropped. No
    /// EPOLL_CTL_DEL (one system call per connection less): the caller closes the descriptor next,
    /// and closing the last descriptor of a socket takes it out of every epoll set by itself. Its
    /// number cannot be reused before that close, so a new socket never meets the old entry.
    /// </summary>
    public void Unregister(EpollSocket socket) => _sockets.TryRemove(socket.Id, out _);

    /// <summary>On the loop's thread: gives a socket a turn after the current round of events.</summary>
    public void Post(EpollSocket socket) => _turns.Enqueue(socket);

    private unsafe void Run()
    {
        const int MaxEvents = 256;
        t_isLoopThread = true;
        var events = stackalloc EpollEvent[MaxEvents];
        while (true)
        {
            // Sockets waiting for a turn mean: look for events, but do not sleep.
            var n = EpollWait(_epfd, events, MaxEvents, _turns.Count > 0 ? 0 : -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EINTR)
                {
                    continue;
                }

                Environment.FailFast($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
            }

            for (var i = 0; i < n; i++)
            {
                if (_sockets.TryGetValue(events[i].Data, out var socket))
                {
                    Dispatch(socket, events[i].Events);
                }
                else if (_listeners.TryGetValue(events[i].Data, out var listener))
                {
                    Accept(listener);
                }
            }

            for (var turns = _turns.Count; turns > 0; turns--)
            {
                Dispatch(_turns.Dequeue(), events: 0);
            }
        }
    }

    /// <summary>Takes a listener's new connections; nothing from the server's code may end the loop.</summary>
    private static void Accept(EpollListener listener)
    {
        try
        {
            listener.OnReadable();
        }
#pragma warning disable CA1031 // The loop serves every connection: one server's failure must not stop it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Runs a socket's completions. Sessions' code runs here, inline; whatever
    /// escapes it must not end the loop (or, on this thread, the process): that
    /// one connection is closed instead.
    /// </summary>
    private static void Dispatch(EpollSocket socket, uint events)
    {
        try
        {
            if (events == 0)
            {
                socket.OnTurn();
            }
            else
            {
                socket.OnEvents(events);
            }
        }
        catch (Exception)
        {
            socket.Close();
        }
    }
}
