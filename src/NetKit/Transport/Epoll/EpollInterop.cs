using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>The few Linux calls the epoll transport needs, straight from libc.</summary>
internal static partial class EpollInterop
{
    public const int EPOLLIN = 0x001;
    public const int EPOLLPRI = 0x002;
    public const int EPOLLOUT = 0x004;
    public const int EPOLLERR = 0x008;
    public const int EPOLLHUP = 0x010;
    public const int EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CLOEXEC = 0x80000;

    public const int MSG_PEEK = 0x02;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;

    public const int SOCK_CLOEXEC = 0x80000;

    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;

    /// <summary>struct epoll_event as x86-64 lays it out: packed, 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, ref EpollEvent ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static unsafe partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, nint address, nint addressLength, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    /// <summary>recv, tried again when a signal interrupts it; -1 with errno on failure.</summary>
    public static unsafe nint RecvRetrying(int fd, byte* buffer, nint length, int flags, out int errno)
    {
        nint n;
        do
        {
            n = Recv(fd, buffer, length, flags);
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (n < 0 && errno == EINTR);
        return n;
    }

    /// <summary>send, tried again when a signal interrupts it; -1 with errno on failure.</summary>
    public static unsafe nint SendRetrying(int fd, byte* buffer, nint length, int flags, out int errno)
    {
        nint n;
        do
        {
            n = Send(fd, buffer, length, flags);
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (n < 0 && errno == EINTR);
        return n;
    }
}
