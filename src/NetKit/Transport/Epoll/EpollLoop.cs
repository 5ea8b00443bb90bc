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
    private long _nextId;

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

    /// <summary>The process's loop, started on first use; null where it is not supported.</summary>
    public static EpollLoop? Shared => s_shared.Value;

    private static EpollLoop? Create()
    {
        if (!IsSupported)
        {
            return null;
        }

        var epfd = EpollCreate1(EPOLL_CLOEXEC);
        return epfd < 0 ? null : new EpollLoop(epfd);
    }

    /// <summary>Watches a connected socket for readiness, once, edge-triggered.</summary>
    public bool TryRegister(EpollSocket socket)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        socket.Id = id;
        _sockets[id] = socket;
        var ev = new EpollEvent { Events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, Data = id };
        if (EpollCtl(_epfd, EPOLL_CTL_ADD, socket.Fd, ref ev) == 0)
        {
            return true;
        }

        _sockets.TryRemove(id, out _);
        return false;
    }

    /// <summary>Stops watching (before the descriptor is closed, so a reused number cannot be confused).</summary>
    public void Unregister(EpollSocket socket)
    {
        if (_sockets.TryRemove(socket.Id, out _))
        {
            var ev = default(EpollEvent);
            _ = EpollCtl(_epfd, EPOLL_CTL_DEL, socket.Fd, ref ev);
        }
    }

    private unsafe void Run()
    {
        const int MaxEvents = 256;
        var events = stackalloc EpollEvent[MaxEvents];
        while (true)
        {
            var n = EpollWait(_epfd, events, MaxEvents, -1);
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
                    socket.OnEvents(events[i].Events);
                }
            }
        }
    }
}
