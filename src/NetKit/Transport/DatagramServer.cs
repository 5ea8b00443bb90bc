using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NetKit.Transport;

/// <summary>One datagram received, and the way to answer its sender (sendto semantics).</summary>
public sealed class DatagramContext
{
    private readonly Socket _socket;

    internal DatagramContext(Socket socket, ReadOnlyMemory<byte> payload, EndPoint remoteEndPoint)
    {
        _socket = socket;
        Payload = payload;
        RemoteEndPoint = remoteEndPoint;
    }

    /// <summary>The datagram's bytes; valid only until the handler returns.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    public EndPoint RemoteEndPoint { get; }

    public string Remote => NetConnection.Describe(RemoteEndPoint);

    /// <summary>
    /// Sends one datagram back to the sender, without waiting: when the
    /// sender's queue is full (a Unix datagram peer that never reads), the
    /// answer is dropped, as datagrams may be, rather than stalling the server
    /// for everyone else.
    /// </summary>
    public ValueTask ReplyAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _socket.SendTo(payload.Span, SocketFlags.None, RemoteEndPoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            throw new IOException($"the answer to {Remote} was dropped: its queue is full", ex);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The code of a datagram service, called once for each datagram.</summary>
public delegate ValueTask DatagramHandler(DatagramContext datagram, CancellationToken cancellationToken);

/// <summary>
/// Serves a datagram socket (UDP or a Unix datagram socket): one handler call
/// per datagram, answers sent to the sender's address. A failing datagram is
/// logged and the server goes on.
/// </summary>
public sealed class DatagramServer : IAsyncDisposable
{
    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxDatagramSize = 65_507;

    private readonly EndPoint _bindTo;
    private readonly DatagramHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private Task? _receiveLoop;
    private long _total;
    private int _stopped;

    public DatagramServer(string name, EndPoint bindTo, DatagramHandler handler, ILogger? logger = null)
    {
        Name = name;
        _bindTo = bindTo;
        _handler = handler;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public EndPoint? LocalEndPoint { get; private set; }

    public long TotalDatagrams => Interlocked.Read(ref _total);

    public void Start()
    {
        var unix = _bindTo is UnixDomainSocketEndPoint;
        var socket = new Socket(_bindTo.AddressFamily, SocketType.Dgram, unix ? ProtocolType.Unspecified : ProtocolType.Udp);
        try
        {
            if (unix)
            {
                UnixSocketFiles.RemoveStale(_bindTo);
            }

            socket.Bind(_bindTo);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ListenErrors.BindFailed(Name, unix ? "unixgram" : "udp", _bindTo, ex);
        }

        socket.Blocking = false; // Replies are sent without waiting (see DatagramContext.ReplyAsync).
        _socket = socket;
        LocalEndPoint = socket.LocalEndPoint;
        TransportLog.Listening(_logger, Name, (unix ? "" : "udp ") + NetConnection.Describe(LocalEndPoint));
        _receiveLoop = ReceiveLoopAsync();
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _socket?.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop;
        }

        if (LocalEndPoint is UnixDomainSocketEndPoint)
        {
            UnixSocketFiles.Remove(LocalEndPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        var buffer = new byte[MaxDatagramSize + 1];
        EndPoint anyRemote = socket.AddressFamily switch
        {
            AddressFamily.Unix => new UnixDomainSocketEndPoint(Path.Combine(Path.GetTempPath(), "any")),
            AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
            _ => new IPEndPoint(IPAddress.Any, 0),
        };
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, anyRemote, _stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable from an earlier reply surfaces here on some systems; not fatal.
                TransportLog.DatagramFailed(_logger, Name, "?", ex.SocketErrorCode.ToString());
                continue;
            }

            Interlocked.Increment(ref _total);
            TransportMetrics.DatagramReceived(Name);
            if (received.ReceivedBytes > MaxDatagramSize)
            {
                // Larger than any UDP payload over IPv4: it was cut short; answering a part would be wrong.
                TransportLog.DatagramFailed(_logger, Name, NetConnection.Describe(received.RemoteEndPoint), $"over {MaxDatagramSize} bytes; dropped");
                continue;
            }

            var context = new DatagramContext(socket, buffer.AsMemory(0, received.ReceivedBytes), received.RemoteEndPoint);
            TransportLog.DatagramFrom(_logger, Name, context.Remote, received.ReceivedBytes);
            try
            {
                await _handler(context, _stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                TransportLog.DatagramFailed(_logger, Name, context.Remote, Disconnects.Reason(ex));
            }
        }
    }
}
