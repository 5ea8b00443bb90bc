using System.Text;
using NetKit.Pop3;
using NetKit.Pop3.Client;
using NetKit.Transport;

namespace NetKit.Tests.Pop3;

/// <summary>Our client against our server on loopback.</summary>
public class Pop3ClientTests
{
    private static Pop3ClientOptions Options(WireTrace? trace = null) => new() { AcceptAnyCertificate = true, Trace = trace };

    [Fact]
    public async Task Login_choosesScram_andReadsTheMaildrop()
    {
        await using var server = Pop3TestServer.Start();
        var first = server.Add("Subject: one\n\n.dot line\nbody\n");
        var second = server.Add("Subject: two\n\nsecond\n");
        var trace = new StringWriter();
        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options(new WireTrace(trace, TraceRole.Client)));
        await client.LoginAsync(Pop3TestServer.User, Pop3TestServer.Password);
        Assert.Contains("C: AUTH SCRAM-SHA-256 ********", trace.ToString());
        Assert.DoesNotContain(Pop3TestServer.Password, trace.ToString());

        Assert.Equal(new Pop3Stat(2, 57), await client.StatAsync());
        Assert.Equal([new Pop3ListEntry(1, 33), new Pop3ListEntry(2, 24)], await client.ListAsync());
        Assert.Equal(new Pop3ListEntry(2, 24), await client.ListAsync(2));
        Assert.Equal([new Pop3UidEntry(1, first), new Pop3UidEntry(2, second)], await client.UidlAsync());
        Assert.Equal(new Pop3UidEntry(1, first), await client.UidlAsync(1));
        Assert.Equal("Subject: one\r\n\r\n.dot line\r\nbody\r\n", Encoding.UTF8.GetString(await client.RetrAsync(1)));
        Assert.Equal("Subject: one\r\n\r\n.dot line\r\n", Encoding.UTF8.GetString(await client.TopAsync(1, 1)));
        Assert.Equal("two", (await client.RetrMessageAsync(2)).Subject);
        await client.NoopAsync();
        await client.DeleAsync(1);
        await client.RsetAsync();
        await client.DeleAsync(2);
        await client.QuitAsync();
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task Err_isCommandException_andTheConnectionGoesOn()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: one\n\nbody\n");
        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options());
        var wrong = await Assert.ThrowsAsync<Pop3CommandException>(() => client.UserPassAsync("alice", "wrong"));
        Assert.Equal(Pop3ResponseCodes.Auth, wrong.Code);
        Assert.Equal("PASS ********", wrong.Command);
        await client.UserPassAsync(Pop3TestServer.User, Pop3TestServer.Password);
        var missing = await Assert.ThrowsAsync<Pop3CommandException>(() => client.RetrAsync(7));
        Assert.Null(missing.Code);
        Assert.Equal(1, (await client.StatAsync()).Count);
    }

    [Fact]
    public async Task SecondClient_onLockedMaildrop_getsInUse()
    {
        await using var server = Pop3TestServer.Start();
        await using var first = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options());
        await first.LoginAsync(Pop3TestServer.User, Pop3TestServer.Password);
        await using var second = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options());
        var busy = await Assert.ThrowsAsync<Pop3CommandException>(() => second.LoginAsync(Pop3TestServer.User, Pop3TestServer.Password));
        Assert.Equal(Pop3ResponseCodes.InUse, busy.Code);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Authenticate_eachServedMechanism_logsIn(string mechanism)
    {
        await using var server = Pop3TestServer.Start();
        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options());
        await client.AuthenticateAsync(mechanism, Pop3TestServer.User, Pop3TestServer.Password);
        Assert.True(client.IsAuthenticated);
        await Assert.ThrowsAsync<Pop3CommandException>(() => client.NoopAsync().ContinueWith(_ => client.AuthenticateAsync("PLAIN", "a", "b")).Unwrap());
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Authenticate_initialResponseTooLongForACommandLine_answersTheEmptyChallenge(string mechanism)
    {
        var maildrops = new NetKit.Pop3.Server.InMemoryPop3Maildrops();
        var longName = "u" + new string('x', 200);
        var longPassword = new string('p', 300);
        maildrops.AddUser(longName, longPassword);
        await using var server = Pop3TestServer.Start(maildrops: maildrops);
        var trace = new StringWriter();
        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options(new WireTrace(trace, TraceRole.Client)));
        await client.AuthenticateAsync(mechanism, longName, longPassword);
        Assert.True(client.IsAuthenticated);
        Assert.Contains($"C: AUTH {mechanism}\n", trace.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain(longPassword, trace.ToString());
    }

    [Fact]
    public async Task Authenticate_wrongPassword_isCommandException()
    {
        await using var server = Pop3TestServer.Start();
        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options());
        var failed = await Assert.ThrowsAsync<Pop3CommandException>(() => client.AuthenticateAsync("SCRAM-SHA-256", "alice", "wrong"));
        Assert.Equal(Pop3ResponseCodes.Auth, failed.Code);
    }

    [Fact]
    public async Task Apop_usesTheGreetingTimestamp()
    {
        await using var server = Pop3TestServer.Start();
        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options());
        Assert.NotNull(client.ApopTimestamp);
        await client.ApopAsync(Pop3TestServer.User, Pop3TestServer.ApopSecret);
        Assert.Equal(0, (await client.StatAsync()).Count);
    }

    [Theory]
    [InlineData(Pop3TlsMode.StartTls, false)]
    [InlineData(Pop3TlsMode.Implicit, true)]
    public async Task Tls_bothWays_thenUserPass(Pop3TlsMode mode, bool implicitTls)
    {
        await using var server = Pop3TestServer.Start(o => o with { AllowPlaintextLogin = false }, implicitTls);
        await using var client = await Pop3Client.ConnectAsync(server.Address, mode, Options());
        Assert.True(client.IsTls);
        if (mode == Pop3TlsMode.Implicit)
        {
            await client.CapaAsync();
        }

        Assert.True(client.Capabilities.User);
        Assert.False(client.Capabilities.Stls);
        await client.UserPassAsync(Pop3TestServer.User, Pop3TestServer.Password);
    }

    [Fact]
    public async Task Tls_untrustedCertificate_isRefused()
    {
        await using var server = Pop3TestServer.Start();
        await Assert.ThrowsAnyAsync<NetKitException>(() => Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.StartTls, new Pop3ClientOptions()));
    }

    [Fact]
    public async Task RetrMany_pipelined_getsEveryMessageInOrder()
    {
        await using var server = Pop3TestServer.Start();
        for (var i = 1; i <= 50; i++)
        {
            server.Add($"Subject: {i}\n\n{new string('x', i * 100)}\n.{i}\n");
        }

        await using var client = await Pop3Client.ConnectAsync(server.Address, Pop3TlsMode.None, Options() with { PipelineWindow = 8 });
        await client.LoginAsync(Pop3TestServer.User, Pop3TestServer.Password);
        Assert.True(client.Capabilities.Pipelining);
        var got = new List<(int, string)>();
        await client.RetrManyAsync([.. Enumerable.Range(1, 50)], (n, bytes) =>
        {
            got.Add((n, Encoding.ASCII.GetString(bytes)));
            return ValueTask.CompletedTask;
        });
        Assert.Equal(50, got.Count);
        Assert.All(got, g => Assert.Equal($"Subject: {g.Item1}\r\n\r\n{new string('x', g.Item1 * 100)}\r\n.{g.Item1}\r\n", g.Item2));
        await client.DeleManyAsync([.. Enumerable.Range(1, 50)]);
        await client.QuitAsync();
        Assert.Empty(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task ServerGoneMidway_isProtocolException_andTheClientIsClosed()
    {
        var (port, serve) = FakeServer("+OK hello\r\n");
        await using var client = await Pop3Client.ConnectAsync($"127.0.0.1:{port}");
        await serve;
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.NoopAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.NoopAsync());
    }

    [Fact]
    public async Task Connect_toSomethingThatIsNotPop3_isProtocolException()
    {
        var (port, serve) = FakeServer("220 smtp.example ESMTP\r\n");
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => Pop3Client.ConnectAsync($"127.0.0.1:{port}"));
        await serve;
    }

    [Fact]
    public async Task MalformedStat_isProtocolException()
    {
        var (port, serve) = FakeServer("+OK hello\r\n", "+OK many\r\n");
        await using var client = await Pop3Client.ConnectAsync($"127.0.0.1:{port}");
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.StatAsync());
        await serve;
    }

    /// <summary>A one-connection server that sends the greeting, answers each line read with the next answer, then closes.</summary>
    private static (int Port, Task Serve) FakeServer(string greeting, params string[] answers)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            try
            {
                using var peer = await listener.AcceptTcpClientAsync();
                var stream = peer.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(greeting));
                using var reader = new LineReader(stream);
                foreach (var answer in answers)
                {
                    await reader.ReadLineAsync();
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
                }
            }
            finally
            {
                listener.Stop();
            }
        });
        return (port, serve);
    }
}
