using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class StreamServerTests
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    /// <summary>A line service for tests: answers "you said X" to each line.</summary>
    private static async Task SaySession(NetConnection connection, CancellationToken stopping)
    {
        using var reader = new LineReader(connection);
        var writer = new LineWriter(connection);
        while ((await reader.ReadLineAsync(stopping)) is { IsLine: true } line)
        {
            await writer.WriteLineAsync("you said " + line.Text, stopping);
        }
    }

    private static async Task<string?> AskAsync(NetConnection connection, string line)
    {
        await connection.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        using var reader = new LineReader(connection);
        var answer = await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return answer.IsLine ? answer.Text : null;
    }

    private static async Task<int> ReadToEndAsync(NetConnection connection)
    {
        var buffer = new byte[1024];
        var total = 0;
        try
        {
            int n;
            while ((n = await connection.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
            {
                total += n;
            }
        }
        catch (IOException)
        {
            // A reset also ends it.
        }

        return total;
    }

    [Fact]
    public async Task Start_portZero_servesOnTheBoundPort()
    {
        await using var server = new StreamServer("say", AnyLoopbackPort, SaySession);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal("you said héllo", await AskAsync(client, "héllo"));
        Assert.Equal(1, server.TotalConnections);
    }

    [Fact]
    public async Task Start_portInUse_throwsNamingTheAddress()
    {
        await using var first = new StreamServer("one", AnyLoopbackPort, SaySession);
        first.Start();
        await using var second = new StreamServer("two", first.LocalEndPoint!, SaySession);
        var error = Assert.Throws<NetKitException>(second.Start);
        Assert.Contains("already in use", error.Message);
        Assert.Contains(((IPEndPoint)first.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public async Task MaxConnections_oneTooMany_isToldAndClosed_othersKeepWorking()
    {
        var options = new StreamServerOptions
        {
            MaxConnections = 2,
            OnRejected = async (c, ct) => await new LineWriter(c).WriteLineAsync("421 busy", ct),
        };
        await using var server = new StreamServer("limited", AnyLoopbackPort, SaySession, options);
        server.Start();
        await using var a = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await using var b = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal("you said a", await AskAsync(a, "a"));
        Assert.Equal("you said b", await AskAsync(b, "b"));
        await using var c = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        using var reader = new LineReader(c);
        Assert.Equal("421 busy", (await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Text);
        Assert.Equal(LineStatus.EndOfStream, (await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal("you said a2", await AskAsync(a, "a2"));
    }

    [Fact]
    public async Task MaxConnectionsPerAddress_oneAddressOverTheLimit_isRefused_andLeavingFreesASlot()
    {
        var options = new StreamServerOptions
        {
            MaxConnectionsPerAddress = 2,
            LimitLoopbackPeers = true,
            OnRejected = async (c, ct) => await new LineWriter(c).WriteLineAsync("421 too many from you", ct),
        };
        await using var server = new StreamServer("per-address", AnyLoopbackPort, SaySession, options);
        server.Start();
        await using var a = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var b = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal("you said a", await AskAsync(a, "a"));
        Assert.Equal("you said b", await AskAsync(b, "b"));
        await using (var c = await NetConnection.ConnectAsync(server.LocalEndPoint!))
        {
            using var reader = new LineReader(c);
            Assert.Equal("421 too many from you", (await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Text);
        }

        await b.DisposeAsync();
        await WaitUntilAsync(() => server.ActiveConnections == 1);
        await using var d = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal("you said d", await AskAsync(d, "d"));
    }

    [Fact]
    public async Task MaxConnectionsPerAddress_loopbackByDefault_isNotLimited()
    {
        await using var server = new StreamServer("loopback", AnyLoopbackPort, SaySession, new StreamServerOptions { MaxConnectionsPerAddress = 1 });
        server.Start();
        await using var a = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await using var b = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal("you said a", await AskAsync(a, "a"));
        Assert.Equal("you said b", await AskAsync(b, "b"));
    }

    [Fact]
    public async Task IdleTimeout_silentClient_isClosed()
    {
        var options = new StreamServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) };
        await using var server = new StreamServer("idle", AnyLoopbackPort, SaySession, options);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal(0, await ReadToEndAsync(client));
        await WaitUntilAsync(() => server.ActiveConnections == 0);
    }

    [Fact]
    public async Task IdleTimeout_activeClient_isNotClosed()
    {
        // Traffic every 100 ms against a 3 s limit: a wide margin on a loaded machine, and the whole run outlasts the limit.
        var options = new StreamServerOptions { IdleTimeout = TimeSpan.FromSeconds(3) };
        await using var server = new StreamServer("busy", AnyLoopbackPort, SaySession, options);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var started = DateTime.UtcNow;
        for (var i = 0; DateTime.UtcNow - started < TimeSpan.FromSeconds(4); i++)
        {
            Assert.Equal($"you said {i}", await AskAsync(client, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task StopAsync_sessionsHearTheStopAndFinish()
    {
        async Task Polite(NetConnection connection, CancellationToken stopping)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stopping);
            }
            catch (OperationCanceledException)
            {
                await new LineWriter(connection).WriteLineAsync("421 shutting down", CancellationToken.None);
            }
        }

        var server = new StreamServer("polite", AnyLoopbackPort, Polite);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await WaitUntilAsync(() => server.ActiveConnections == 1);
        await server.StopAsync();
        using var reader = new LineReader(client);
        Assert.Equal("421 shutting down", (await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Text);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact]
    public async Task StopAsync_sessionThatIgnoresTheStop_isClosedAfterTheTimeout()
    {
        var options = new StreamServerOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) };
        var server = new StreamServer("stubborn", AnyLoopbackPort, async (c, _) =>
        {
            var buffer = new byte[10];
            while (await c.ReadAsync(buffer, CancellationToken.None) > 0)
            {
            }
        }, options);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await WaitUntilAsync(() => server.ActiveConnections == 1);
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, server.ActiveConnections);
        Assert.Equal(0, await ReadToEndAsync(client));
    }

    [Fact]
    public async Task Handler_throws_serverKeepsServing()
    {
        var calls = 0;
        await using var server = new StreamServer("flaky", AnyLoopbackPort, (c, ct) =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("bug") : SaySession(c, ct));
        server.Start();
        await using (var first = await NetConnection.ConnectAsync(server.LocalEndPoint!))
        {
            Assert.Equal(0, await ReadToEndAsync(first));
        }

        await using var second = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        Assert.Equal("you said ok", await AskAsync(second, "ok"));
    }

    [Fact]
    public async Task UnixSocket_staleFileIsReplaced_andRemovedAtStop()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nk-{Guid.NewGuid():N}.sock");
        // A process that bound the path and died leaves the socket file behind (.NET itself cleans up, Python does not).
        using (var python = System.Diagnostics.Process.Start("python3", ["-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{path}')"]))
        {
            await python.WaitForExitAsync();
        }

        Assert.True(File.Exists(path));
        var server = new StreamServer("unix", new UnixDomainSocketEndPoint(path), SaySession);
        server.Start();
        await using (var client = await NetConnection.ConnectAsync(new UnixDomainSocketEndPoint(path)))
        {
            Assert.True(client.IsLocal);
            Assert.Equal("you said over unix", await AskAsync(client, "over unix"));
        }

        await server.StopAsync();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ImplicitTls_clientHandshakes_thenTalks()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        var options = new StreamServerOptions { ImplicitTlsCertificate = certificate };
        await using var server = new StreamServer("tls", AnyLoopbackPort, SaySession, options);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await client.UpgradeToClientTlsAsync("localhost", acceptAnyCertificate: true);
        Assert.True(client.IsTls);
        Assert.Equal("you said secret", await AskAsync(client, "secret"));
    }

    [Fact]
    public async Task ImplicitTls_untrustedCertificate_clientFailsClearly()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        await using var server = new StreamServer("tls", AnyLoopbackPort, SaySession, new StreamServerOptions { ImplicitTlsCertificate = certificate });
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var error = await Assert.ThrowsAsync<NetKitException>(() => client.UpgradeToClientTlsAsync("localhost"));
        Assert.Contains("TLS handshake", error.Message);
    }

    [Fact]
    public async Task StartTls_bytesSentBeforeTheHandshake_areDiscarded()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        var discarded = new TaskCompletionSource<int>();
        async Task StartTlsSession(NetConnection connection, CancellationToken stopping)
        {
            using var reader = new LineReader(connection);
            var writer = new LineWriter(connection);
            Assert.Equal("STARTTLS", (await reader.ReadLineAsync(stopping)).Text);
            discarded.SetResult(reader.DiscardBuffered());
            await writer.WriteLineAsync("220 go ahead", stopping);
            await connection.UpgradeToServerTlsAsync(certificate, stopping);
            await writer.WriteLineAsync("you said " + (await reader.ReadLineAsync(stopping)).Text, stopping);
        }

        await using var server = new StreamServer("starttls", AnyLoopbackPort, StartTlsSession);
        server.Start();
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await client.WriteAsync("STARTTLS\r\nINJECTED\r\n"u8.ToArray());
        using var reader = new LineReader(client);
        Assert.Equal("220 go ahead", (await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Text);
        await client.UpgradeToClientTlsAsync("localhost", acceptAnyCertificate: true);
        await client.WriteAsync("after\r\n"u8.ToArray());
        Assert.Equal("you said after", (await reader.ReadLineAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Text);
        Assert.Equal(10, await discarded.Task);
    }

    [Fact]
    public async Task Trace_server_writesTaggedTranscript()
    {
        var log = new StringWriter();
        var options = new StreamServerOptions { Trace = new WireTrace(TextWriter.Synchronized(log), TraceRole.Server) };
        await using var server = new StreamServer("traced", AnyLoopbackPort, SaySession, options);
        server.Start();
        await using (var client = await NetConnection.ConnectAsync(server.LocalEndPoint!))
        {
            await AskAsync(client, "hi");
        }

        var text = log.ToString();
        Assert.Matches(@"\[\d+\] C: hi", text);
        Assert.Matches(@"\[\d+\] S: you said hi", text);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}

public class UnixSocketFileTests
{
    [Fact]
    public async Task Start_onARegularFile_failsAndLeavesTheFileAlone()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nk-{Guid.NewGuid():N}.sock");
        await File.WriteAllBytesAsync(path, []); // empty, like a stale socket file would look by size
        await using var server = new StreamServer("unix", new System.Net.Sockets.UnixDomainSocketEndPoint(path), (_, _) => Task.CompletedTask);
        var error = Assert.Throws<NetKitException>(server.Start);
        Assert.Contains(path, error.Message);
        Assert.True(File.Exists(path));
        File.Delete(path);
    }
}
