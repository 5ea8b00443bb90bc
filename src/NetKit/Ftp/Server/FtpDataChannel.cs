using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Ftp.Server;

/// <summary>
/// The server's end of a data connection, as PASV/EPSV (we listen) or
/// PORT/EPRT (we connect) arranged it. Either way the peer must be the
/// control connection's own address (RFC 2577: no bounce, no theft of
/// another client's transfer), and with PROT P the data connection speaks TLS.
/// </summary>
internal sealed class FtpDataChannel : IDisposable
{
    private readonly Socket? _listener;
    private readonly IPEndPoint? _target;
    private readonly IPAddress _peer;

    private FtpDataChannel(Socket? listener, IPEndPoint? target, IPAddress peer)
    {
        _listener = listener;
        _target = target;
        _peer = Normalize(peer);
    }

    /// <summary>The listening end, for the 227/229 reply.</summary>
    public IPEndPoint? ListenEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>Listens on <paramref name="local"/> at a port in [min, max] (any port when both are 0).</summary>
    public static FtpDataChannel Listen(IPAddress local, int min, int max, IPAddress peer)
    {
        var ports = min == 0 && max == 0 ? [0] : Shuffled(min, max);
        SocketException? last = null;
        foreach (var port in ports)
        {
            var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, port));
                socket.Listen(1);
                return new FtpDataChannel(socket, null, peer);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new IOException($"no free passive port in {min}-{max}", last);
    }

    public static FtpDataChannel Connect(IPEndPoint target, IPAddress peer) => new(null, target, peer);

    /// <summary>True when <paramref name="address"/> is the client's own (IPv4-mapped and plain IPv4 compare equal).</summary>
    public static bool IsSameHost(IPAddress address, IPAddress peer) => Normalize(address).Equals(Normalize(peer));

    /// <summary>Accepts the client's connection (refusing strangers) or connects to it; then TLS when asked.</summary>
    public async Task<FtpDataConnection> OpenAsync(X509Certificate2? tlsCertificate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var connection = _listener is not null ? await AcceptAsync(deadline.Token) : await ConnectAsync(deadline.Token);
            try
            {
                if (tlsCertificate is not null)
                {
                    await connection.UpgradeAsync(tlsCertificate, deadline.Token);
                }

                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("the data connection did not open in time");
        }
    }

    public void Dispose() => _listener?.Dispose();

    private async Task<FtpDataConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var socket = await _listener!.AcceptAsync(cancellationToken);
            if (socket.RemoteEndPoint is IPEndPoint remote && IsSameHost(remote.Address, _peer))
            {
                socket.NoDelay = true;
                return new FtpDataConnection(socket);
            }

            // Someone else raced for the port: refuse and keep waiting for our client.
            socket.Dispose();
        }
    }

    private async Task<FtpDataConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_target!.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_target, cancellationToken);
            return new FtpDataConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static int[] Shuffled(int min, int max)
    {
        var ports = Enumerable.Range(min, max - min + 1).ToArray();
        Random.Shared.Shuffle(ports);
        return ports;
    }
}
