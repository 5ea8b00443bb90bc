using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NetKit.Net;
using NetKit.Transport.Epoll;

namespace NetKit.Transport;

/// <summary>
/// One open stream connection (TCP or a Unix stream socket), server or client
/// side: the socket, the stream protocol code reads and writes (plain, or TLS
/// once upgraded), both addresses, and the time of the last traffic that the
/// server's idle timeout looks at. Protocol code never touches the socket.
/// </summary>
public sealed class NetConnection : IAsyncDisposable
{
    private static long s_nextId;
    private readonly Socket _socket;
    private readonly EpollSocket? _epoll;
    private long _lastActivity = Environment.TickCount64;
    private int _disposed;

    public NetConnection(Socket socket)
        : this(socket, epoll: null)
    {
    }

    /// <summary>A connection whose I/O runs on the epoll transport when <paramref name="epoll"/> is given.</summary>
    internal NetConnection(Socket socket, EpollSocket? epoll)
    {
        _socket = socket;
        _epoll = epoll;
        Stream = epoll is null ? new NetworkStream(socket, ownsSocket: false) : new EpollSocketStream(epoll);
        Id = Interlocked.Increment(ref s_nextId);
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        Remote = Describe(RemoteEndPoint);
    }

    /// <summary>How long a client waits for a connection to open unless told otherwise.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A number unique in this process, for logs and traces.</summary>
    public long Id { get; }

    /// <summary>What protocol code reads and writes: the socket's stream, or TLS over it.</summary>
    public Stream Stream { get; private set; }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    /// <summary>The peer as a person reads it: <c>127.0.0.1:40122</c>, <c>[::1]:40122</c>, <c>unix:/tmp/x.sock</c>.</summary>
    public string Remote { get; }

    public bool IsTls => Stream is SslStream;

    /// <summary>The wire trace for this connection, when one is switched on.</summary>
    public WireTrace? Trace { get; set; }

    /// <summary>True when the peer is on this machine (loopback or a Unix socket).</summary>
    public bool IsLocal => RemoteEndPoint switch
    {
        IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
        UnixDomainSocketEndPoint => true,
        _ => false,
    };

    internal long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Opens a client connection to a TCP or Unix stream socket address.</summary>
    public static async Task<NetConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        var protocol = endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, protocol);
        try
        {
            if (protocol == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
            }

            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a client connection to an endpoint as the user wrote it: resolves
    /// the host, tries each of its addresses in turn, and gives up after
    /// <paramref name="timeout"/>. Failures are one clear line naming the endpoint.
    /// </summary>
    public static async Task<NetConnection> ConnectAsync(NetEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (endpoint.IsDatagram)
        {
            throw new ArgumentException($"{endpoint} is a datagram endpoint; use DatagramClient.", nameof(endpoint));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        SocketException? last = null;
        try
        {
            foreach (var address in await endpoint.ResolveAllAsync(deadline.Token))
            {
                try
                {
                    return await ConnectAsync(address, deadline.Token);
                }
                catch (SocketException ex)
                {
                    last = ex;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetKitException($"cannot connect to {endpoint}: no answer within {timeout.TotalSeconds:0.#} s");
        }

        var reason = last?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
            SocketError.AccessDenied => "permission denied",
            SocketError.AddressNotAvailable => "no such socket",
            null => "no address",
            _ => last.Message,
        };
        throw new NetKitException($"cannot connect to {endpoint}: {reason}", last);
    }

    /// <summary>Reads what is there (at least one byte, or 0 at the end of the stream).</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await Stream.ReadAsync(buffer, cancellationToken);
        Touch();
        return n;
    }

    /// <summary>
    /// Waits until the peer has sent something (or closed) without taking any
    /// bytes: a zero-byte read. Lets a session rent a buffer only once data is
    /// there, so idle connections hold none.
    /// </summary>
    /// <remarks>
    /// Pooled builder: this wait finishes asynchronously on nearly every call,
    /// and a plain async ValueTask method would then allocate its state machine
    /// each time, once per message in an echo loop.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForDataAsync(CancellationToken cancellationToken = default)
    {
        var none = await ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        Debug.Assert(none == 0);
    }

    /// <summary>
    /// Reads what is there (at least one byte, or 0 at the end of the stream),
    /// like <see cref="ReadAsync"/> but for hot loops: on a plain connection it
    /// goes straight to the socket, past <see cref="NetworkStream"/>, and it
    /// does not <see cref="Touch"/> (the caller does, once per exchange).
    /// A broken connection throws <see cref="SocketException"/> here rather
    /// than the stream's <see cref="IOException"/>; both are disconnects.
    /// </summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Stream switch
    {
        EpollSocketStream epoll => epoll.Socket.ReceiveAsync(buffer, cancellationToken),
        NetworkStream => _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken),
        _ => Stream.ReadAsync(buffer, cancellationToken),
    };

    /// <summary>
    /// Writes all of <paramref name="data"/>: the fast-path twin of
    /// <see cref="WriteAsync"/> (straight to the socket when there is no TLS, no <see cref="Touch"/>).
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (Stream is EpollSocketStream epoll)
        {
            return epoll.Socket.SendAsync(data, cancellationToken);
        }

        if (Stream is not NetworkStream)
        {
            return Stream.WriteAsync(data, cancellationToken);
        }

        var sending = _socket.SendAsync(data, SocketFlags.None, cancellationToken);
        // On a stream socket the send finishes only when every byte is queued,
        // almost always at once (room in the kernel's buffer): then no await and
        // no state machine. The loops below are a guard against a short send.
        if (sending.IsCompletedSuccessfully)
        {
            var sent = sending.Result;
            return sent == data.Length ? ValueTask.CompletedTask : SendAllAsync(data[sent..], cancellationToken);
        }

        return FinishSendAsync(sending, data, cancellationToken);
    }

    private async ValueTask FinishSendAsync(ValueTask<int> sending, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var sent = await sending;
        if (sent < data.Length)
        {
            await SendAllAsync(data[sent..], cancellationToken);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            data = data[await _socket.SendAsync(data, SocketFlags.None, cancellationToken)..];
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await Stream.WriteAsync(data, cancellationToken);
        Touch();
    }

    /// <summary>Marks traffic now, so the idle timeout starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    /// <summary>Tells the peer we will send no more (TCP FIN); reading goes on.</summary>
    public void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer is gone already; nothing left to tell it.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Server side of STARTTLS or implicit TLS: the handshake with our certificate.</summary>
    public Task UpgradeToServerTlsAsync(X509Certificate2 certificate, CancellationToken cancellationToken = default) =>
        UpgradeAsync(tls => tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken));

    /// <summary>Client side of STARTTLS or implicit TLS. A failed check of the server's certificate is a <see cref="NetKitException"/>.</summary>
    public Task UpgradeToClientTlsAsync(string targetHost, bool acceptAnyCertificate = false, CancellationToken cancellationToken = default)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = targetHost };
        if (acceptAnyCertificate)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return UpgradeToClientTlsAsync(options, cancellationToken);
    }

    /// <summary>Client side of TLS with the caller's options (a certificate check of its own, protocols).</summary>
    public async Task UpgradeToClientTlsAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            await UpgradeAsync(tls => tls.AuthenticateAsClientAsync(options, cancellationToken));
        }
        catch (AuthenticationException ex)
        {
            throw new NetKitException($"TLS handshake with {Remote} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a handshake over the plain stream; from then on <see cref="Stream"/> is the TLS stream.</summary>
    private async Task UpgradeAsync(Func<SslStream, Task> handshake)
    {
        if (IsTls)
        {
            throw new InvalidOperationException("The connection already uses TLS.");
        }

        var tls = new SslStream(Stream, leaveInnerStreamOpen: false);
        try
        {
            await handshake(tls);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        Stream = tls;
        Touch();
        Trace?.Note($"TLS established ({tls.SslProtocol}, {tls.NegotiatedCipherSuite})");
    }

    /// <summary>Closes at once; pending reads and writes fail. Used for idle timeouts and forced shutdown.</summary>
    public void Abort()
    {
        _epoll?.Close();
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Stream.DisposeAsync();
        }
        catch (IOException)
        {
            // A TLS close_notify to a peer that already left.
        }
        finally
        {
            _epoll?.Close();
            _socket.Dispose();
        }
    }

    internal static string Describe(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { Address.AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        UnixDomainSocketEndPoint unix => string.IsNullOrEmpty(unix.ToString()) ? "unix:(unnamed)" : $"unix:{unix}",
        null => "(unknown)",
        _ => endPoint.ToString() ?? "(unknown)",
    };
}
