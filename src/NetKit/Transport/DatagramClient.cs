using System.Net;
using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>
/// The client end of a datagram exchange (UDP or a Unix datagram socket):
/// send a datagram, wait for the answer with a timeout. For a Unix datagram
/// server to answer, the client binds a temporary socket file of its own,
/// removed when the client is disposed.
/// </summary>
public sealed class DatagramClient : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _ownPath;

    private DatagramClient(Socket socket, string? ownPath, EndPoint remote)
    {
        _socket = socket;
        _ownPath = ownPath;
        RemoteEndPoint = remote;
    }

    public EndPoint RemoteEndPoint { get; }

    /// <summary>How long <see cref="ReceiveAsync"/> waits before giving up.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public static DatagramClient Open(EndPoint remote)
    {
        if (remote is UnixDomainSocketEndPoint)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var ownPath = Path.Combine(Path.GetTempPath(), $"netkit-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
            try
            {
                socket.Bind(new UnixDomainSocketEndPoint(ownPath));
                socket.Connect(remote);
                return new DatagramClient(socket, ownPath, remote);
            }
            catch
            {
                socket.Dispose();
                File.Delete(ownPath);
                throw;
            }
        }

        var udp = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            udp.Connect(remote);
            return new DatagramClient(udp, null, remote);
        }
        catch
        {
            udp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one datagram; a Unix datagram server whose queue stays full makes this a <see cref="TimeoutException"/>.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReceiveTimeout);
        try
        {
            await _socket.SendAsync(payload, SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{NetConnection.Describe(RemoteEndPoint)} took no datagram within {ReceiveTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/>; a <see cref="TimeoutException"/> when none comes in time.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReceiveTimeout);
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {NetConnection.Describe(RemoteEndPoint)} within {ReceiveTimeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw new NetKitException($"nothing listens on {NetConnection.Describe(RemoteEndPoint)} (datagram refused)", ex);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_ownPath is not null)
        {
            File.Delete(_ownPath);
        }
    }
}
