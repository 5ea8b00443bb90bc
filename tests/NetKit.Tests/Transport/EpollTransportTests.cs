using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using NetKit.Transport;
using NetKit.Transport.Epoll;

namespace NetKit.Tests.Transport;

/// <summary>
/// The epoll transport's own edge cases, and the same behaviour on .NET's
/// sockets (UseEpoll = false), so both paths stay honest.
/// </summary>
public class EpollTransportTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static TheoryData<bool> BothTransports => new() { true, false };

    private static StreamServer Start(ConnectionHandler handler, bool epoll)
    {
        var server = new StreamServer("t", new IPEndPoint(IPAddress.Loopback, 0), handler, new StreamServerOptions { UseEpoll = epoll });
        server.Start();
        return server;
    }

    [Fact]
    public async Task ServerConnection_onLinuxX64_runsOnTheEpollLoop()
    {
        var kind = new TaskCompletionSource<string>();
        await using var server = Start((c, _) =>
        {
            kind.SetResult(c.Stream.GetType().Name);
            return Task.CompletedTask;
        }, epoll: true);
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var expected = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
            && Environment.GetEnvironmentVariable("NETKIT_TRANSPORT") != "sockets"
            ? nameof(EpollSocketStream)
            : nameof(System.Net.Sockets.NetworkStream);
        Assert.Equal(expected, await kind.Task.WaitAsync(Limit));
    }

    [Theory]
    [MemberData(nameof(BothTransports))]
    public async Task Echo_largeTransferWithASlowReader_isByteExact(bool epoll)
    {
        // The client reads only after it has sent everything it can, so the
        // server's sends fill the kernel buffers and must wait for room.
        await using var server = Start(async (c, ct) =>
        {
            var buffer = new byte[8192];
            int n;
            while ((n = await c.ReceiveAsync(buffer, ct)) > 0)
            {
                await c.SendAsync(buffer.AsMemory(0, n), ct);
            }
        }, epoll);
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var data = new byte[8 * 1024 * 1024];
        new Random(7).NextBytes(data);
        var send = Task.Run(async () =>
        {
            for (var i = 0; i < data.Length; i += 100_000)
            {
                await client.WriteAsync(data.AsMemory(i, Math.Min(100_000, data.Length - i)));
            }

            client.ShutdownSend();
        });
        await Task.Delay(200);
        var back = new MemoryStream();
        await client.Stream.CopyToAsync(back).WaitAsync(Limit);
        await send.WaitAsync(Limit);
        Assert.True(data.AsSpan().SequenceEqual(back.ToArray()), "the echo differs");
    }

    [Theory]
    [MemberData(nameof(BothTransports))]
    public async Task Receive_cancelledWhileWaiting_connectionStillWorks(bool epoll)
    {
        await using var server = Start(async (c, ct) =>
        {
            var buffer = new byte[100];
            using (var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await c.ReceiveAsync(buffer, soon.Token));
            }

            await c.SendAsync("ready\n"u8.ToArray(), ct);
            var n = await c.ReceiveAsync(buffer, ct);
            await c.SendAsync(buffer.AsMemory(0, n), ct);
        }, epoll);
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        using var reader = new LineReader(client);
        Assert.Equal("ready", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
        await client.WriteAsync("after\n"u8.ToArray());
        Assert.Equal("after", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
    }

    [Theory]
    [MemberData(nameof(BothTransports))]
    public async Task Abort_wakesAPendingReceive(bool epoll)
    {
        var failed = new TaskCompletionSource<Exception>();
        NetConnection? serverSide = null;
        await using var server = Start(async (c, _) =>
        {
            serverSide = c;
            try
            {
                await c.ReceiveAsync(new byte[10], CancellationToken.None);
                failed.SetResult(new InvalidOperationException("returned instead of failing"));
            }
            catch (Exception ex)
            {
                failed.SetResult(ex);
            }
        }, epoll);
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await StreamServerTests.WaitUntilAsync(() => Volatile.Read(ref serverSide) is not null);
        await Task.Delay(100);
        serverSide!.Abort();
        var error = await failed.Task.WaitAsync(Limit);
        Assert.True(Disconnects.IsDisconnect(error), error.ToString());
    }

    [Theory]
    [MemberData(nameof(BothTransports))]
    public async Task Receive_dataAndCloseTogether_seesTheDataThenTheEnd(bool epoll)
    {
        var received = new TaskCompletionSource<string>();
        await using var server = Start(async (c, ct) =>
        {
            await Task.Delay(200, ct); // Let the data and the FIN both arrive before the first read.
            var all = new MemoryStream();
            var buffer = new byte[3];
            int n;
            while ((n = await c.ReceiveAsync(buffer, ct)) > 0)
            {
                all.Write(buffer, 0, n);
            }

            received.SetResult(Encoding.ASCII.GetString(all.ToArray()));
        }, epoll);
        await using (var client = await NetConnection.ConnectAsync(server.LocalEndPoint!))
        {
            await client.WriteAsync("hello, world!"u8.ToArray());
            client.ShutdownSend();
            Assert.Equal("hello, world!", await received.Task.WaitAsync(Limit));
        }
    }

    [Theory]
    [MemberData(nameof(BothTransports))]
    public async Task Receive_afterTcpUrgentData_getsTheRest(bool epoll)
    {
        // Urgent data (Telnet's ^C) stops a TCP read short at its mark with data
        // still queued: a short read must not be taken for "empty" then.
        var received = new TaskCompletionSource<string>();
        await using var server = Start(async (c, ct) =>
        {
            await Task.Delay(300, ct);
            var all = new StringBuilder();
            var buffer = new byte[1024];
            while (all.Length < 6)
            {
                var n = await c.ReceiveAsync(buffer, ct);
                if (n == 0)
                {
                    break;
                }

                all.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            received.TrySetResult(all.ToString());
        }, epoll);
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(server.LocalEndPoint!);
        client.Send("abc"u8);
        client.Send("X"u8, System.Net.Sockets.SocketFlags.OutOfBand);
        client.Send("def"u8);
        Assert.Equal("abcdef", await received.Task.WaitAsync(Limit));
    }

    [Fact]
    public async Task SyncWrite_onTheLoopThread_failsClearly_andTheLoopServesOthers()
    {
        var outcome = new TaskCompletionSource<Exception?>();
        await using var server = Start(async (c, ct) =>
        {
            await c.ReceiveAsync(new byte[1], ct); // resumes on the loop's thread
            try
            {
                c.Stream.Write(new byte[10], 0, 10);
                outcome.TrySetResult(null);
            }
            catch (InvalidOperationException ex)
            {
                outcome.TrySetResult(ex);
            }
        }, epoll: true);
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await Task.Delay(200);
        await client.WriteAsync(new byte[1]);
        var error = await outcome.Task.WaitAsync(Limit);
        if (Environment.GetEnvironmentVariable("NETKIT_TRANSPORT") != "sockets" && OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            Assert.IsType<InvalidOperationException>(error);
        }

        await using var echo = Start(async (c, ct) =>
        {
            var buffer = new byte[10];
            var n = await c.ReceiveAsync(buffer, ct);
            await c.SendAsync(buffer.AsMemory(0, n), ct);
        }, epoll: true);
        await using var other = await NetConnection.ConnectAsync(echo.LocalEndPoint!);
        await other.WriteAsync("ok"u8.ToArray());
        var back = new byte[2];
        await other.Stream.ReadExactlyAsync(back).AsTask().WaitAsync(Limit);
        Assert.Equal("ok"u8.ToArray(), back);
    }

    [Theory]
    [MemberData(nameof(BothTransports))]
    public async Task Receive_cancelledOverAndOverWhileDataArrives_losesNothing(bool epoll)
    {
        const int Count = 2000;
        var received = new TaskCompletionSource<byte[]>();
        await using var server = Start(async (c, ct) =>
        {
            var all = new MemoryStream();
            var buffer = new byte[7];
            while (all.Length < Count)
            {
                using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
                try
                {
                    var n = await c.ReceiveAsync(buffer, soon.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    all.Write(buffer, 0, n);
                }
                catch (OperationCanceledException)
                {
                }
            }

            received.TrySetResult(all.ToArray());
        }, epoll);
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var sent = new byte[Count];
        for (var i = 0; i < Count; i++)
        {
            sent[i] = (byte)i;
            await client.WriteAsync(sent.AsMemory(i, 1));
            if (i % 50 == 0)
            {
                await Task.Delay(1);
            }
        }

        Assert.Equal(sent, await received.Task.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
