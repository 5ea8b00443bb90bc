using NetKit.Smtp.Server;

namespace NetKit.Tests.Smtp.Server;

/// <summary>The state machine, as transcripts: every command out of order gets its code, and the session goes on.</summary>
public class SmtpServerStateTests
{
    /// <summary>
    /// Plays "C: line" (sent) and "S: prefix" (the next reply must start with it)
    /// after the greeting. C: lines in a row are sent together, as a pipelining client does.
    /// </summary>
    internal static async Task PlayAsync(SmtpServerHarness server, string transcript)
    {
        using var client = await server.ConnectAsync();
        var batch = new List<string>();
        foreach (var raw in transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith("C: ", StringComparison.Ordinal))
            {
                batch.Add(raw[3..] + "\r\n");
                continue;
            }

            if (batch.Count > 0)
            {
                await client.SendAsync(string.Concat(batch));
                batch.Clear();
            }

            Assert.StartsWith("S: ", raw, StringComparison.Ordinal);
            var reply = await client.ReadReplyAsync();
            var lastLine = reply.Split('\n')[^1];
            Assert.True(lastLine.StartsWith(raw[3..], StringComparison.Ordinal), $"expected \"{raw[3..]}\", got \"{reply}\"\ntranscript:\n{transcript}");
        }
    }

    public static TheoryData<string> OutOfOrder => new()
    {
        // Nothing before EHLO/HELO but the harmless commands.
        "C: MAIL FROM:<a@b.example>\nS: 503 5.5.1\nC: RCPT TO:<x@localhost>\nS: 503 5.5.1\nC: DATA\nS: 503 5.5.1\nC: NOOP\nS: 250 2.0.0\nC: RSET\nS: 250 2.0.0\nC: HELO c\nS: 250 localhost",
        // RCPT and DATA need MAIL.
        "C: EHLO c\nS: 250 HELP\nC: RCPT TO:<x@localhost>\nS: 503 5.5.1\nC: DATA\nS: 503 5.5.1\nC: BDAT 0 LAST\nS: 503 5.5.1",
        // No nested MAIL.
        "C: EHLO c\nS: 250\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0\nC: MAIL FROM:<a@b.example>\nS: 503 5.5.1",
        // DATA without a valid recipient.
        "C: EHLO c\nS: 250\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0\nC: DATA\nS: 554 5.5.1",
        // DATA after BDAT: not mixed; RSET ends it; the next transaction works.
        "C: EHLO c\nS: 250\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0\nC: RCPT TO:<x@localhost>\nS: 250 2.1.5\nC: BDAT 3\nC: abcDATA\nS: 250 2.0.0\nS: 503 5.5.1\nC: RCPT TO:<y@localhost>\nS: 503 5.5.1\nC: MAIL FROM:<a@b.example>\nS: 503 5.5.1\nC: RSET\nS: 250 2.0.0\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0",
        // BINARYMIME needs BDAT.
        "C: EHLO c\nS: 250\nC: MAIL FROM:<a@b.example> BODY=BINARYMIME\nS: 250 2.1.0\nC: RCPT TO:<x@localhost>\nS: 250 2.1.5\nC: DATA\nS: 503 5.5.1",
        // RSET takes no argument; EHLO and HELO need one; VRFY never tells; EXPN is not served.
        "C: RSET now\nS: 501 5.5.4\nC: EHLO\nS: 501 5.5.4\nC: HELO\nS: 501 5.5.4\nC: VRFY root\nS: 252 2.5.0\nC: VRFY\nS: 501 5.5.4\nC: EXPN staff\nS: 502 5.5.1\nC: HELP\nS: 214 2.0.0",
        // Unknown commands; the session goes on; verbs are case-insensitive.
        "C: FOO bar\nS: 500 5.5.1\nC: GETX / HTTP/1.1\nS: 500 5.5.1\nC: ehlo c\nS: 250\nC: mail from:<a@b.example>\nS: 250 2.1.0\nC: rcpt to:<x@localhost>\nS: 250 2.1.5",
        // Parameters need EHLO.
        "C: HELO c\nS: 250\nC: MAIL FROM:<a@b.example> SIZE=10\nS: 555 5.5.4\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0",
        // STARTTLS without a certificate; AUTH without users; STARTTLS with an argument.
        "C: EHLO c\nS: 250\nC: STARTTLS\nS: 502 5.5.1\nC: STARTTLS now\nS: 501 5.5.4\nC: AUTH PLAIN\nS: 502 5.5.1",
        // EHLO in a transaction starts over.
        "C: EHLO c\nS: 250\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0\nC: EHLO c\nS: 250\nC: RCPT TO:<x@localhost>\nS: 503 5.5.1\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0",
        // QUIT says goodbye.
        "C: QUIT\nS: 221 2.0.0",
    };

    [Theory]
    [MemberData(nameof(OutOfOrder))]
    public async Task Session_commandsOutOfOrder_getTheirCodesAndTheSessionGoesOn(string transcript)
    {
        await using var server = SmtpServerHarness.Start();
        await PlayAsync(server, transcript);
    }

    [Fact]
    public async Task Rcpt_recipients_localUserUnknownUserAndOtherDomain()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { LocalDomains = ["localhost", "example.com"] }, new InMemorySmtpMessageStore(["bob"]));
        await PlayAsync(server, """
            C: EHLO c
            S: 250
            C: MAIL FROM:<>
            S: 250 2.1.0
            C: RCPT TO:<bob@example.com>
            S: 250 2.1.5
            C: RCPT TO:<BOB@LOCALHOST>
            S: 250 2.1.5
            C: RCPT TO:<alice@example.com>
            S: 550 5.1.1
            C: RCPT TO:<bob@elsewhere.example>
            S: 550 5.7.1
            C: RCPT TO:<Postmaster>
            S: 250 2.1.5
            C: RCPT TO:<postmaster@example.com>
            S: 250 2.1.5
            """);
    }

    [Fact]
    public async Task Rcpt_catchAll_acceptsEveryAddressIntoItsOwnAccount()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { CatchAll = true }, new InMemorySmtpMessageStore(["bob"]));
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync("MAIL FROM:<a@b.example>\r\nRCPT TO:<Carol@Elsewhere.Example>\r\nRCPT TO:<bob@localhost>\r\nRCPT TO:<nobody@localhost>\r\nDATA\r\n");
        foreach (var expected in new[] { "250", "250", "250", "250", "354" })
        {
            Assert.StartsWith(expected, await client.ReadReplyAsync(), StringComparison.Ordinal);
        }

        Assert.StartsWith("250 2.0.0", await client.CommandAsync("hi\r\n."), StringComparison.Ordinal);
        var message = Assert.Single(server.Store.Messages);
        Assert.Equal(["carol@elsewhere.example", "bob", "nobody@localhost"], message.Recipients.Select(r => r.Account));
        Assert.Equal("Carol@Elsewhere.Example", message.Recipients[0].Address);
    }

    [Fact]
    public async Task Rcpt_overTheLimit_is452AndTheOthersStillGetTheMessage()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxRecipients = 3 });
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync("MAIL FROM:<a@b.example>\r\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"RCPT TO:<u{i}@localhost>\r\n")) + "DATA\r\n");
        var codes = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            codes.Add(await client.ReadCodeAsync());
        }

        Assert.Equal([250, 250, 250, 250, 452, 452, 354], codes);
        Assert.StartsWith("250", await client.CommandAsync("x\r\n."), StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(server.Store.Messages).Recipients.Count);
    }

    [Fact]
    public async Task Session_tooManyErrors_is421AndTheServerCloses()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxErrors = 5 });
        using var client = await server.ConnectAsync();
        await client.SendAsync(string.Concat(Enumerable.Repeat("BOGUS\r\n", 5)));
        for (var i = 0; i < 5; i++)
        {
            Assert.StartsWith("500 5.5.1", await client.ReadReplyAsync(), StringComparison.Ordinal);
        }

        Assert.StartsWith("421 4.7.0", await client.ReadReplyAsync(), StringComparison.Ordinal);

        // A client that sends on, not having read the 421 yet: the server still closes
        // in order (FIN, then it drains what comes), not with a reset that could eat the reply.
        await client.SendAsync("NOOP\r\nNOOP\r\n");
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Session_silentClient_gets421AfterTheCommandTimeout()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { CommandTimeout = TimeSpan.FromMilliseconds(200) });
        using var client = await server.ConnectAsync();
        Assert.StartsWith("421 4.4.2", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Data_clientSilentMidMessage_gets421AfterTheDataTimeout_andNothingIsStored()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { DataTimeout = TimeSpan.FromMilliseconds(200) });
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@localhost>\r\nDATA\r\n");
        Assert.Equal(250, await client.ReadCodeAsync());
        Assert.Equal(250, await client.ReadCodeAsync());
        Assert.Equal(354, await client.ReadCodeAsync());
        await client.SendAsync("Subject: half\r\n");
        Assert.StartsWith("421 4.4.2", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Session_serverStopping_tellsAWaitingClient421()
    {
        var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        var stopping = server.DisposeAsync();
        Assert.StartsWith("421 4.3.2", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
        await stopping;
    }

    [Fact]
    public async Task Session_httpRequest_endsTheConnectionAtOnce()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectAsync();
        await client.SendAsync("POST /form HTTP/1.1\r\nHost: x\r\n\r\nMAIL FROM:<a@b.example>\r\n");
        Assert.StartsWith("221 2.7.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Session_deliveredByteByByte_isReadTheSameAsWhole()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectAsync();
        var session = "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@localhost>\r\nBDAT 5\r\nab\r\ncBDAT 0 LAST\r\nNOOP\r\n";
        foreach (var b in System.Text.Encoding.ASCII.GetBytes(session))
        {
            await client.SendAsync([b]);
        }

        foreach (var expected in new[] { "250", "250 2.1.0", "250 2.1.5", "250 2.0.0 5 octets", "250 2.0.0 Ok", "250 2.0.0 Ok" })
        {
            var reply = await client.ReadReplyAsync();
            Assert.True(reply.Split('\n')[^1].StartsWith(expected, StringComparison.Ordinal), $"expected {expected}, got {reply}");
        }

        Assert.Equal("ab\r\nc"u8.ToArray(), Assert.Single(server.Store.Messages).Data.ToArray());
    }

    [Fact]
    public void Options_nonsense_isRefusedWhenTheServerIsMade()
    {
        var store = new InMemorySmtpMessageStore();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpServer(store, new SmtpServerOptions { MaxRecipients = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpServer(store, new SmtpServerOptions { CommandTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new SmtpServer(store, new SmtpServerOptions { HostName = "two words" }));
    }

    [Fact]
    public async Task Ehlo_advertisesTheExtensions_andHeloDoesNot()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { HostName = "mx.test.example", MaxMessageSize = 12345 });
        using var client = await server.ConnectAsync();
        var ehlo = (await client.CommandAsync("EHLO c")).Split('\n').Select(l => l[4..]).ToArray();
        Assert.Equal(["mx.test.example", "PIPELINING", "SIZE 12345", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN", "HELP"], ehlo);
        Assert.Equal("250 mx.test.example", await client.CommandAsync("HELO c"));
    }
}
