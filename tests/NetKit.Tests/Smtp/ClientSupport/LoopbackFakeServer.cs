using System.Net;
using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.ClientSupport;

/// <summary>A fake server for one client on a real loopback socket: accepts one connection and serves it.</summary>
public abstract class LoopbackFakeServer : IAsyncDisposable
{
    private readonly Socket _listener;

    protected LoopbackFakeServer()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Ends when the connection has been served; fails with what went wrong.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Waits for the server to finish (a hung client fails the test rather than hanging it).</summary>
    public Task FinishAsync() => Completion.WaitAsync(TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        try
        {
            await Completion.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The test has asserted what it needed; a failure that matters shows in FinishAsync.
        }

        GC.SuppressFinalize(this);
    }

    protected abstract Task ServeAsync(NetConnection connection);

    /// <summary>Starts serving; the derived constructor calls it last, once its own fields are set.</summary>
    protected void Begin() => Completion = AcceptAsync();

    private async Task AcceptAsync()
    {
        using var socket = await _listener.AcceptAsync();
        socket.NoDelay = true;
        await using var connection = new NetConnection(socket);
        await ServeAsync(connection);
    }
}
