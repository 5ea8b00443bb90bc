using System.Net.Security;
using System.Text;
using NetKit.Tests.Support;

namespace NetKit.Tests.Pop3;

/// <summary>Our server, spoken to byte by byte with a raw socket.</summary>
public class Pop3SessionTests
{
    [Theory]
    [InlineData("STAT")]
    [InlineData("LIST")]
    [InlineData("LIST 1")]
    [InlineData("RETR 1")]
    [InlineData("DELE 1")]
    [InlineData("NOOP")]
    [InlineData("RSET")]
    [InlineData("TOP 1 0")]
    [InlineData("UIDL")]
    [InlineData("UIDL 1")]
    [InlineData("PASS secret")]
    [InlineData("XTND XMIT")]
    public async Task Command_inAuthorizationState_isRefusedAndSessionGoesOn(string command)
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: one\n\nbody\n");
        using var client = await RawLineClient.ConnectAsync(server.Port);
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        Assert.StartsWith("-ERR", await client.CommandAsync(command));
        Assert.StartsWith("+OK", await client.CommandAsync("USER alice"));
        Assert.StartsWith("+OK", await client.CommandAsync("PASS secret"));
        Assert.StartsWith("+OK", await client.CommandAsync("STAT"));
    }

    [Theory]
    [InlineData("USER alice")]
    [InlineData("PASS secret")]
    [InlineData("APOP alice 0123456789abcdef0123456789abcdef")]
    [InlineData("AUTH PLAIN")]
    [InlineData("STLS")]
    [InlineData("XTND XMIT")]
    public async Task Command_inTransactionState_isRefusedAndSessionGoesOn(string command)
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: one\n\nbody\n");
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.StartsWith("-ERR", await client.CommandAsync(command));
        Assert.Equal("+OK 1 22", await client.CommandAsync("STAT"));
    }

    [Theory]
    [InlineData("STAT 1")]
    [InlineData("LIST x")]
    [InlineData("LIST 0")]
    [InlineData("LIST 3")]
    [InlineData("LIST -1")]
    [InlineData("LIST 99999999999999")]
    [InlineData("RETR")]
    [InlineData("RETR 2")]
    [InlineData("TOP 1")]
    [InlineData("TOP 1 -1")]
    [InlineData("TOP 1 x")]
    [InlineData("DELE 1 2")]
    [InlineData("NOOP x")]
    public async Task Command_withBadArguments_isRefusedAndSessionGoesOn(string command)
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: one\n\nbody\n");
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.StartsWith("-ERR", await client.CommandAsync(command));
        Assert.StartsWith("+OK", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task ListAndStat_sizes_areExactOctetsWithCrlf()
    {
        await using var server = Pop3TestServer.Start();
        server.AddBytes("Subject: a\r\n\r\nbody\r\n"u8.ToArray());  // 20 octets
        server.AddBytes("Subject: b\n\nbare LF\n"u8.ToArray());       // 23 once each LF is CRLF
        server.AddBytes("no ending"u8.ToArray());                       // 11 with its CRLF
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.Equal("+OK 3 54", await client.CommandAsync("STAT"));
        Assert.StartsWith("+OK", await client.CommandAsync("LIST"));
        Assert.Equal(["1 20", "2 23", "3 11"], await client.ReadBodyAsync());
        Assert.Equal("+OK 2 23", await client.CommandAsync("LIST 2"));
        foreach (var (number, size) in new[] { (1, 20), (2, 23), (3, 11) })
        {
            Assert.StartsWith("+OK", await client.CommandAsync($"RETR {number}"));
            var body = await client.ReadBodyAsync();
            Assert.Equal(size, body.Sum(l => Encoding.UTF8.GetByteCount(l) + 2));
        }
    }

    [Fact]
    public async Task RetrAndTop_linesStartingWithDot_areStuffed()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: dots\n\n.\n..two\nplain\n.last\n");
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.Equal("+OK 41 octets", await client.CommandAsync("RETR 1"));
        Assert.Equal(["Subject: dots", "", "..", "...two", "plain", "..last"], await client.ReadBodyAsync());
        Assert.StartsWith("+OK", await client.CommandAsync("TOP 1 2"));
        Assert.Equal(["Subject: dots", "", "..", "...two"], await client.ReadBodyAsync());
        Assert.StartsWith("+OK", await client.CommandAsync("TOP 1 0"));
        Assert.Equal(["Subject: dots", ""], await client.ReadBodyAsync());
    }

    [Fact]
    public async Task Uidl_isStableAcrossSessionsAndDeletions()
    {
        await using var server = Pop3TestServer.Start();
        var first = server.Add("Subject: 1\n\n1\n");
        var second = server.Add("Subject: 2\n\n2\n");
        using (var client = await Pop3Wire.LoggedInAsync(server))
        {
            Assert.StartsWith("+OK", await client.CommandAsync("UIDL"));
            Assert.Equal([$"1 {first}", $"2 {second}"], await client.ReadBodyAsync());
            Assert.Equal($"+OK 2 {second}", await client.CommandAsync("UIDL 2"));
            Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
            Assert.StartsWith("+OK", await client.CommandAsync("UIDL"));
            Assert.Equal([$"2 {second}"], await client.ReadBodyAsync());
            Assert.StartsWith("+OK", await client.CommandAsync("QUIT"));
        }

        using var again = await Pop3Wire.LoggedInAsync(server);
        Assert.Equal($"+OK 1 {second}", await again.CommandAsync("UIDL 1"));
    }

    [Fact]
    public async Task Dele_marksOnly_untilQuit()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: 1\n\n1\n");
        server.Add("Subject: 2\n\n2\n");
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        Assert.StartsWith("-ERR", await client.CommandAsync("DELE 1"));
        Assert.StartsWith("-ERR", await client.CommandAsync("RETR 1"));
        Assert.StartsWith("-ERR", await client.CommandAsync("LIST 1"));
        Assert.Equal("+OK 1 17", await client.CommandAsync("STAT"));
        Assert.Equal(2, server.Maildrops.MessagesOf(Pop3TestServer.User).Count);
        Assert.StartsWith("+OK", await client.CommandAsync("QUIT"));
        Assert.Equal("", await client.ReadToEndAsync());
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task Rset_unmarksDeletions()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: 1\n\n1\n");
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        Assert.Equal("+OK maildrop has 1 messages (17 octets)", await client.CommandAsync("RSET"));
        Assert.StartsWith("+OK", await client.CommandAsync("QUIT"));
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DroppedConnection_beforeQuit_deletesNothingAndUnlocks(bool reset)
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: 1\n\n1\n");
        using (var client = await Pop3Wire.LoggedInAsync(server))
        {
            Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
            if (reset)
            {
                client.Reset();
            }
            else
            {
                client.ShutdownSend();
                Assert.Equal("", await client.ReadToEndAsync());
            }
        }

        using var again = await Pop3Wire.LoggedInAsync(server); // the lock was released
        Assert.Equal("+OK 1 17", await again.CommandAsync("STAT"));
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task QuitInAuthorization_deletesNothing()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: 1\n\n1\n");
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.StartsWith("+OK", await client.CommandAsync("QUIT"));
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task SecondSession_onSameMaildrop_getsInUseAndCanRetry()
    {
        await using var server = Pop3TestServer.Start();
        using var first = await Pop3Wire.LoggedInAsync(server);
        using var second = await RawLineClient.ConnectAsync(server.Port);
        await second.ReadLineAsync();
        Assert.StartsWith("+OK", await second.CommandAsync("USER alice"));
        Assert.StartsWith("-ERR [IN-USE]", await second.CommandAsync("PASS secret"));
        Assert.StartsWith("+OK", await first.CommandAsync("QUIT"));
        Assert.StartsWith("+OK", await second.CommandAsync("USER alice"));
        Assert.StartsWith("+OK", await second.CommandAsync("PASS secret"));
    }

    [Fact]
    public async Task LoginDelay_isAdvertised_andASecondLoginTooSoonIsRefused()
    {
        await using var server = Pop3TestServer.Start(o => o with { LoginDelay = TimeSpan.FromHours(1) });
        using (var first = await Pop3Wire.LoggedInAsync(server))
        {
            Assert.StartsWith("+OK", await first.CommandAsync("CAPA"));
            Assert.Contains("LOGIN-DELAY 3600", await first.ReadBodyAsync());
            Assert.StartsWith("+OK", await first.CommandAsync("QUIT"));
        }

        using var second = await RawLineClient.ConnectAsync(server.Port);
        await second.ReadLineAsync();
        await second.CommandAsync("USER ALICE");
        Assert.StartsWith("-ERR [LOGIN-DELAY]", await second.CommandAsync("PASS secret"));
        Assert.False(server.Maildrops.IsLocked(Pop3TestServer.User));
    }

    [Fact]
    public async Task WrongPassword_isAnsweredOnlyAfterTheDelay()
    {
        await using var server = Pop3TestServer.Start(o => o with { LoginFailureDelay = TimeSpan.FromHours(1) });
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.StartsWith("+OK", await client.CommandAsync("USER alice"));
        await client.SendAsync("PASS wrong\r\n");
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadLineAsync(shortWait.Token));
    }

    [Fact]
    public async Task WrongPassword_givesAuthCode_andTooManyCloses()
    {
        await using var server = Pop3TestServer.Start(o => o with { MaxLoginFailures = 2 });
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        await client.CommandAsync("USER alice");
        Assert.Equal("-ERR [AUTH] authentication failed", await client.CommandAsync("PASS wrong"));
        await client.CommandAsync("USER nobody");
        Assert.StartsWith("-ERR [AUTH]", await client.CommandAsync("PASS secret"));
        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task UserPass_withoutTlsFromLoopback_isRefusedUnlessAllowed()
    {
        await using var server = Pop3TestServer.Start(o => o with { AllowPlaintextLogin = false });
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.StartsWith("+OK", await client.CommandAsync("CAPA"));
        var capa = await client.ReadBodyAsync();
        Assert.Contains("STLS", capa);
        Assert.DoesNotContain("USER", capa);
        Assert.Contains("SASL SCRAM-SHA-256", capa);
        Assert.StartsWith("-ERR", await client.CommandAsync("USER alice"));
        Assert.StartsWith("-ERR", await client.CommandAsync("AUTH PLAIN AGFsaWNlAHNlY3JldA=="));
    }

    [Fact]
    public async Task Stls_plaintextSentAfterIt_isDiscarded()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: 1\n\n1\n");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        var plain = new NetKit.Transport.LineReader(stream);
        Assert.StartsWith("+OK", (await plain.ReadLineAsync()).Text);
        // An attacker's commands riding in the same packet as STLS.
        await stream.WriteAsync("STLS\r\nUSER alice\r\nPASS secret\r\n"u8.ToArray());
        Assert.StartsWith("+OK", (await plain.ReadLineAsync()).Text);
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        var reader = new NetKit.Transport.LineReader(tls);
        await tls.WriteAsync("STAT\r\n"u8.ToArray());
        Assert.StartsWith("-ERR", (await reader.ReadLineAsync()).Text); // not logged in: the injection did nothing
        await tls.WriteAsync("CAPA\r\n"u8.ToArray());
        Assert.StartsWith("+OK", (await reader.ReadLineAsync()).Text);
        var capa = new List<string>();
        for (var line = (await reader.ReadLineAsync()).Text; line != "."; line = (await reader.ReadLineAsync()).Text)
        {
            capa.Add(line);
        }

        Assert.DoesNotContain("STLS", capa);
        Assert.Contains("USER", capa);
        await tls.WriteAsync("STLS\r\n"u8.ToArray());
        Assert.StartsWith("-ERR", (await reader.ReadLineAsync()).Text);
    }

    [Fact]
    public async Task Stls_thenGarbageInsteadOfTls_closesThatSessionOnly()
    {
        await using var server = Pop3TestServer.Start();
        using (var client = await RawLineClient.ConnectAsync(server.Port))
        {
            await client.ReadLineAsync();
            Assert.StartsWith("+OK", await client.CommandAsync("STLS"));
            await client.SendAsync("USER alice\r\nPASS secret\r\n");
            Assert.Equal("", await client.ReadToEndAsync()); // the handshake failed; the server hung up
        }

        using var next = await Pop3Wire.LoggedInAsync(server); // and it still serves
        Assert.StartsWith("+OK", await next.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Apop_withRightDigest_logsIn()
    {
        await using var server = Pop3TestServer.Start();
        using var client = await RawLineClient.ConnectAsync(server.Port);
        var greeting = await client.ReadLineAsync();
        var timestamp = System.Text.RegularExpressions.Regex.Match(greeting, "<[^>]+>").Value;
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(timestamp + Pop3TestServer.ApopSecret)));
        Assert.StartsWith("-ERR [AUTH]", await client.CommandAsync("APOP alice 0123456789abcdef0123456789abcdef"));
        Assert.StartsWith("+OK", await client.CommandAsync($"APOP alice {digest}"));
    }

    [Fact]
    public async Task AuthPlain_withContinuationAndCancel()
    {
        await using var server = Pop3TestServer.Start();
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.Equal("+ ", await client.CommandAsync("AUTH PLAIN"));
        Assert.StartsWith("-ERR", await client.CommandAsync("*"));
        Assert.Equal("+ ", await client.CommandAsync("AUTH PLAIN"));
        Assert.StartsWith("-ERR", await client.CommandAsync("not base64!"));
        Assert.Equal("+ ", await client.CommandAsync("AUTH PLAIN"));
        Assert.StartsWith("+OK", await client.CommandAsync(Convert.ToBase64String("\0alice\0secret"u8.ToArray())));
    }

    [Fact]
    public async Task PassNotRightAfterUser_isRefused()
    {
        await using var server = Pop3TestServer.Start();
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.StartsWith("+OK", await client.CommandAsync("USER alice"));
        Assert.StartsWith("+OK", await client.CommandAsync("CAPA"));
        await client.ReadBodyAsync();
        Assert.Equal("-ERR PASS must follow USER", await client.CommandAsync("PASS secret"));
    }

    [Fact]
    public async Task ServerTrace_hidesPasswordsAndSaslResponses()
    {
        var trace = new StringWriter();
        await using var server = Pop3TestServer.Start(trace: new NetKit.Transport.WireTrace(trace, NetKit.Transport.TraceRole.Server));
        using (var client = await Pop3Wire.LoggedInAsync(server))
        {
            await client.CommandAsync("QUIT");
        }

        using (var client = await RawLineClient.ConnectAsync(server.Port))
        {
            await client.ReadLineAsync();
            Assert.Equal("+ ", await client.CommandAsync("AUTH PLAIN"));
            Assert.StartsWith("+OK", await client.CommandAsync(Convert.ToBase64String("\0alice\0secret"u8.ToArray())));
            await client.CommandAsync("QUIT");
        }

        var text = trace.ToString();
        Assert.Contains("C: PASS ********", text);
        Assert.Contains("C: USER alice", text);
        Assert.DoesNotContain("secret", text);
        Assert.DoesNotContain(Convert.ToBase64String("\0alice\0secret"u8.ToArray()), text);
    }

    [Fact]
    public async Task AuthWithoutArguments_listsMechanisms()
    {
        await using var server = Pop3TestServer.Start();
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.StartsWith("+OK", await client.CommandAsync("AUTH"));
        Assert.Equal(["SCRAM-SHA-256", "PLAIN", "LOGIN"], await client.ReadBodyAsync());
        Assert.StartsWith("-ERR", await client.CommandAsync("AUTH CRAM-MD5"));
    }

    [Fact]
    public async Task OverlongLine_isRefusedAndSessionGoesOn()
    {
        await using var server = Pop3TestServer.Start();
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        Assert.StartsWith("-ERR", await client.CommandAsync("USER " + new string('x', 5000)));
        await client.SendAsync([.. "USER "u8, 0xff, (byte)'\r', (byte)'\n']);
        Assert.StartsWith("-ERR", await client.ReadLineAsync());
        Assert.StartsWith("+OK", await client.CommandAsync("CAPA"));
    }

    [Fact]
    public async Task ManyErrors_closeTheSession()
    {
        await using var server = Pop3TestServer.Start(o => o with { MaxErrors = 3 });
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        await client.SendAsync("A\r\nB\r\nC\r\nD\r\n");
        var rest = await client.ReadToEndAsync();
        Assert.Equal(4, rest.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("-ERR too many errors; closing\r\n", rest);
    }

    [Fact]
    public async Task PipelinedCommands_areAnsweredInOrder()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: 1\n\n1\n");
        using var client = await RawLineClient.ConnectAsync(server.Port);
        await client.ReadLineAsync();
        await client.SendAsync("USER alice\r\nPASS secret\r\nSTAT\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n");
        var all = await client.ReadToEndAsync();
        var lines = all.Split("\r\n");
        Assert.StartsWith("+OK", lines[0]);
        Assert.StartsWith("+OK", lines[1]);
        Assert.Equal("+OK 1 17", lines[2]);
        Assert.Equal("+OK 17 octets", lines[3]);
        Assert.Equal(["Subject: 1", "", "1", "."], lines[4..8]);
        Assert.StartsWith("+OK message 1 deleted", lines[8]);
        Assert.StartsWith("+OK bye (1 deleted", lines[9]);
        Assert.Empty(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task IdleSession_isLoggedOutWithoutDeleting()
    {
        await using var server = Pop3TestServer.Start(o => o with { CommandTimeout = TimeSpan.FromMilliseconds(200) });
        server.Add("Subject: 1\n\n1\n");
        using var client = await Pop3Wire.LoggedInAsync(server);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        Assert.StartsWith("-ERR autologout", await client.ReadToEndAsync());
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }
}
