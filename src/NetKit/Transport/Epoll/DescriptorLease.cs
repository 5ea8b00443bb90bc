using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// Holds a socket's descriptor open for the length of a system call, so a
/// close on another thread cannot hand its number to a new socket meanwhile.
/// Not held when the socket is already closed.
/// </summary>
internal ref struct DescriptorLease
{
    private readonly SafeHandle _handle;
    private bool _held;

    public DescriptorLease(SafeHandle handle)
    {
        _handle = handle;
        _held = false;
        try
        {
            handle.DangerousAddRef(ref _held);
        }
        catch (ObjectDisposedException)
        {
            // Closed already: IsHeld stays false.
        }
    }

    public readonly bool IsHeld => _held;

    public void Dispose()
    {
        if (_held)
        {
            _held = false;
            _handle.DangerousRelease();
        }
    }
}
