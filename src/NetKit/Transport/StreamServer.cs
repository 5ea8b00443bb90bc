using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport.Epoll;

namespace NetKit.Transport;

/// <summary>
/// The code of a protocol, run once for each connection for as long as it
/// lasts. <paramref name="stopping"/> is cancelled when the server stops: the
/// session should finish what it is doing and end.
/// </summary>
public delegate Task ConnectionHandler(NetConnection connection, CancellationToken stopping);

/// <summary>
/// Serves a stream socket (TCP or a Unix stream socket): an async accept loop
/// with no thread per connection, a connection limit, an idle timeout, optional
/// implicit TLS, a log line per connection and a graceful stop. Protocols plug
/// in as a <see cref="ConnectionHandler"/> and never see the socket.
/// </summary>
public sealed class StreamServer : IAsyncDisposable
{
    private readonly EndPoint _bindTo;
    private readonly ConnectionHandler _handler;
    private readonly StreamServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, NetConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly AddressLimiter _perAddress;
    private Socket? _listener;
    private EpollListener? _epollListener;
    private Task? _acceptLoop;
    private Timer? _idleTimer;
    private int _active;
    private long _total;
    private int _stopped;

    public StreamServer(string name, EndPoint bindTo, ConnectionHandler handler, StreamServerOptions? options = null, ILogger? logger = null)
    {
        Name = name;
        _bindTo = bindTo;
        _handler = handler;
        _options = options ?? new StreamServerOptions();
        _logger = logger ?? NullLogger.Instance;
        _perAddress = new AddressLimiter(_options.MaxConnectionsPerAddress, _options.LimitLoopbackPeers);
    }

    /// <summary>The service's name, used in log lines.</summary>
    public string Name { get; }

    /// <summary>Where the server listens, with the real port when port 0 was asked for.</summary>
    public EndPoint? LocalEndPoint { get; private set; }

    public int ActiveConnections => Volatile.Read(ref _active);

    public long TotalConnections => Interlocked.Read(ref _total);

    /// <summary>Binds, listens and starts accepting. A busy address is a <see cref="NetKitException"/> naming it.</summary>
    public void Start()
    {
        var unix = _bindTo is UnixDomainSocketEndPoint;
        var socket = new Socket(_bindTo.AddressFamily, SocketType.Stream, unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT, which would let a
            // second server share a busy port silently. .NET already sets SO_REUSEADDR.
            if (unix)
            {
                UnixSocketFiles.RemoveStale(_bindTo);
            }

            socket.Bind(_bindTo);
            socket.Listen(_options.Backlog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ListenErrors.BindFailed(Name, "tcp", _bindTo, ex);
        }

        _listener = socket;
        LocalEndPoint = socket.LocalEndPoint;
        TransportLog.Listening(_logger, Name, NetConnection.Describe(LocalEndPoint));
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.IdleTimeout.TotalMilliseconds / 4, 50, 1000));
        _idleTimer = new Timer(static state => ((StreamServer)state!).CloseIdleConnections(), this, period, period);
        // Where the epoll loop serves the connections, it accepts them too (no thread switch per connection).
        _epollListener = _options.UseEpoll
            ? EpollListener.TryStart(socket, accepted => _ = RunConnectionAsync(accepted), error => TransportLog.AcceptFailed(_logger, Name, error.ToString()))
            : null;
        _acceptLoop = _epollListener is null ? AcceptLoopAsync() : null;
    }

    /// <summary>
    /// Stops accepting, tells every session to finish, waits up to
    /// <see cref="StreamServerOptions.ShutdownTimeout"/>, then closes what is left.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        TransportLog.Stopping(_logger, Name, ActiveConnections);
        await _stopping.CancelAsync();
        _epollListener?.Close();
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        var deadline = Stopwatch.StartNew();
        while (ActiveConnections > 0 && deadline.Elapsed < _options.ShutdownTimeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        if (ActiveConnections > 0)
        {
            TransportLog.ShutdownForced(_logger, Name, ActiveConnections, _options.ShutdownTimeout.TotalSeconds);
            foreach (var connection in _connections.Values)
            {
                connection.Abort();
            }

            // A handler that ignores both the stop and the closed socket must not hang the stop.
            var grace = Stopwatch.StartNew();
            while (ActiveConnections > 0 && grace.Elapsed < _options.ShutdownTimeout)
            {
                await Task.Delay(10, CancellationToken.None);
            }
        }

        if (_idleTimer is not null)
        {
            await _idleTimer.DisposeAsync();
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

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors or a connection reset before accept:
                // the server goes on; a short pause keeps it from spinning.
                TransportLog.AcceptFailed(_logger, Name, ex.SocketErrorCode.ToString());
                await Task.Delay(50, CancellationToken.None);
                continue;
            }

            _ = RunConnectionAsync(socket);
        }
    }

    private async Task RunConnectionAsync(Socket socket)
    {
        NetConnection connection;
        EpollSocket? epoll = null;
        try
        {
            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
            }

            epoll = _options.UseEpoll ? EpollSocket.TryCreate(socket) : null;
            connection = new NetConnection(socket, epoll);
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex))
        {
            // Reset between accept and here: there is no connection to serve.
            epoll?.Close();
            socket.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _active) > _options.MaxConnections)
        {
            await RejectAsync(connection, $"{_options.MaxConnections} connections is the limit");
            return;
        }

        if (!_perAddress.TryEnter(connection.RemoteEndPoint))
        {
            await RejectAsync(connection, $"{_options.MaxConnectionsPerAddress} connections from one address is the limit");
            return;
        }

        Interlocked.Increment(ref _total);
        TransportMetrics.ConnectionOpened(Name);
        _connections[connection.Id] = connection;
        connection.Trace = _options.Trace?.ForConnection($"[{connection.Id}] ");
        var started = Stopwatch.GetTimestamp();
        TransportLog.ConnectionFrom(_logger, Name, connection.Remote);
        try
        {
            if (_options.ImplicitTlsCertificate is { } certificate)
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(_options.TlsHandshakeTimeout);
                try
                {
                    await connection.UpgradeToServerTlsAsync(certificate, handshake.Token);
                }
                catch (Exception ex) when (Disconnects.IsDisconnect(ex))
                {
                    TransportLog.TlsFailed(_logger, Name, connection.Remote, Disconnects.Reason(ex));
                    return;
                }
            }

            await _handler(connection, _stopping.Token);
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex))
        {
            TransportLog.PeerGone(_logger, Name, connection.Remote, Disconnects.Reason(ex));
        }
        catch (Exception ex)
        {
            TransportLog.SessionFailed(_logger, ex, Name, connection.Remote);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
            _perAddress.Leave(connection.RemoteEndPoint);
            TransportMetrics.ConnectionClosed(Name);
            await connection.DisposeAsync();
            Interlocked.Decrement(ref _active);
            TransportLog.ConnectionClosed(_logger, Name, connection.Remote, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task RejectAsync(NetConnection connection, string reason)
    {
        try
        {
            TransportLog.ConnectionLimit(_logger, Name, connection.Remote, reason);
            TransportMetrics.ConnectionRejected(Name);
            if (_options.OnRejected is { } onRejected)
            {
                // It may leave before hearing why; nothing more to do then.
                await LastWords.TrySayAsync(ct => new ValueTask(onRejected(connection, ct)));
            }
        }
        finally
        {
            await connection.DisposeAsync();
            Interlocked.Decrement(ref _active);
        }
    }

    private void CloseIdleConnections()
    {
        var limit = (long)_options.IdleTimeout.TotalMilliseconds;
        var now = Environment.TickCount64;
        foreach (var connection in _connections.Values)
        {
            var idle = now - connection.LastActivity;
            if (idle > limit)
            {
                TransportLog.IdleTimeout(_logger, Name, connection.Remote, idle / 1000.0);
                TransportMetrics.ConnectionIdleClosed(Name);
                connection.Abort();
            }
        }
    }
}
