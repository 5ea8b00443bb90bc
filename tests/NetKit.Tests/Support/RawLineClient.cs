using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Support;

/// <summary>
/// A TCP client written with nothing but a socket, so a test sends exactly the
/// bytes it means (no line ending, invalid UTF-8) and reads exactly what came
/// back. Every call has a timeout: a server that says nothing fails the test.
/// </summary>
public sealed class RawLineClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private RawLineClient(Socket socket) => _socket = socket;

    public static async Task<RawLineClient> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = Timeout(cancellationToken);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return new RawLineClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    public Task SendAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>The next line, decoded as UTF-8, with its ending ("\n" or "\r\n") kept; fails if the connection ends first.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString([.. _pending.Take(newline + 1)]);
                _pending.RemoveRange(0, newline + 1);
                return line;
            }

            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new IOException($"the server closed the connection before a whole line; pending: \"{Encoding.UTF8.GetString([.. _pending])}\"");
            }

            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>Everything the server sends until it closes (what is left of a line included), decoded as UTF-8.</summary>
    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            _pending.AddRange(buffer.AsSpan(0, n));
        }

        var text = Encoding.UTF8.GetString([.. _pending]);
        _pending.Clear();
        return text;
    }

    /// <summary>Closes our side (FIN) but keeps reading.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes abruptly: a reset (RST) instead of a FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        return timeout;
    }
}
