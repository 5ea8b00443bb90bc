using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
    private Stream _stream;

    private RawLineClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

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
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
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

            var n = await _stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                throw new IOException($"the server closed the connection before a whole line; pending: \"{Encoding.UTF8.GetString([.. _pending])}\"");
            }

            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>Everything up to and including the first <paramref name="marker"/>, decoded as UTF-8; fails if the connection ends first.</summary>
    public async Task<string> ReadUntilAsync(string marker, CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        var wanted = Encoding.UTF8.GetBytes(marker);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var at = CollectionsMarshal.AsSpan(_pending).IndexOf(wanted);
            if (at >= 0)
            {
                var text = Encoding.UTF8.GetString([.. _pending.Take(at + wanted.Length)]);
                _pending.RemoveRange(0, at + wanted.Length);
                return text;
            }

            var n = await _stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                throw new IOException($"the server closed the connection before \"{marker}\"; pending: \"{Encoding.UTF8.GetString([.. _pending])}\"");
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
        while ((n = await _stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            _pending.AddRange(buffer.AsSpan(0, n));
        }

        var text = Encoding.UTF8.GetString([.. _pending]);
        _pending.Clear();
        return text;
    }

    /// <summary>
    /// The client side of a TLS handshake over this connection, trusting any certificate
    /// (the test servers' are self-signed). Fails if the server sent anything in plaintext after
    /// its "go ahead" that has not been read: such bytes would be answers nobody protected.
    /// </summary>
    public async Task StartTlsAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count > 0)
        {
            throw new IOException($"plaintext after the TLS go-ahead: \"{Encoding.UTF8.GetString([.. _pending])}\"");
        }

        using var timeout = Timeout(cancellationToken);
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
        _stream = tls;
    }

    /// <summary>Closes our side (FIN) but keeps reading.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes abruptly: a reset (RST) instead of a FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        return timeout;
    }
}
