using System.Text;
using NetKit.Smtp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

/// <summary>One `netkit serve smtp` for the bad-input tests, with small limits; it must still stop cleanly at the end.</summary>
public sealed class SmtpBadInputServer : IAsyncLifetime
{
    public const int MaxMessageSize = 100_000;
    public const int MaxRecipients = 5;
    private SmtpServeProcess? _server;

    public SmtpServeProcess Server => _server ?? throw new InvalidOperationException("netkit serve smtp is not running");

    public async Task InitializeAsync() =>
        _server = await SmtpServeProcess.StartAsync("--catch-all", "--max-message-size", $"{MaxMessageSize}", "--max-recipients", $"{MaxRecipients}");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }
}

// Malformed, oversized, out-of-order and hostile input against the running process: each gets the
// protocol's error reply, the server goes on serving, and nothing is half-stored.
public class SmtpServerBadInputTests(SmtpBadInputServer fixture) : IClassFixture<SmtpBadInputServer>
{
    private SmtpServeProcess Server => fixture.Server;

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Command_lineOf100000Bytes_answers500AndConnectionGoesOn(int pieces)
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        var line = Encoding.ASCII.GetBytes("NOOP " + new string('x', 100_000) + "\r\n");

        foreach (var piece in line.Chunk((line.Length / pieces) + 1))
        {
            await client.SendAsync(piece);
        }

        AssertReply(500, "5.5.2", await client.ReadReplyAsync());
        AssertReply(250, "2.0.0", await client.CommandAsync("NOOP"));
        AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<long-line@example.com>"));
    }

    [Theory]
    [InlineData("NO\0OP")]
    [InlineData("MAIL FROM:<nul\0@example.com>")]
    [InlineData("\0")]
    public async Task Command_withNul_answers500AndConnectionGoesOn(string command)
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;

        AssertReply(500, "5.5.2", await client.CommandAsync(command));
        AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<after-nul@example.com>"));
    }

    [Theory]
    [InlineData("XYZZY", 500, "5.5.1")]
    [InlineData("MAIL", 501, null)]
    [InlineData("EXPN staff", 502, "5.5.1")]
    [InlineData("HELO", 501, "5.5.4")]
    public async Task Command_unknownOrMalformed_answersErrorAndConnectionGoesOn(string command, int code, string? status)
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;

        var reply = await client.CommandAsync(command);

        Assert.True(reply.Code == code && (status is null || reply.Status?.ToString() == status), $"{command}: {reply}");
        AssertReply(250, "2.0.0", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Commands_outOfOrder_answer503AndKeepTheState()
    {
        var (client, banner) = await SmtpWireClient.ConnectAsync(Server.Port);
        await using var _ = client;
        Assert.Equal(220, banner.Code);

        AssertReply(503, "5.5.1", await client.CommandAsync("MAIL FROM:<early@example.com>"));
        AssertReply(503, "5.5.1", await client.CommandAsync("RCPT TO:<early@example.com>"));
        AssertReply(503, "5.5.1", await client.CommandAsync("DATA"));
        Assert.Equal(250, (await client.CommandAsync("EHLO client.example")).Code);
        AssertReply(503, "5.5.1", await client.CommandAsync("RCPT TO:<order@example.com>"));
        AssertReply(503, "5.5.1", await client.CommandAsync("DATA"));
        AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<sender@example.com>"));
        AssertReply(503, "5.5.1", await client.CommandAsync("MAIL FROM:<nested@example.com>"));
        var dataWithoutRecipients = await client.CommandAsync("DATA");
        Assert.True(dataWithoutRecipients.Code is 503 or 554, $"DATA without RCPT: {dataWithoutRecipients}");
        AssertReply(250, "2.1.5", await client.CommandAsync("RCPT TO:<order@example.com>"));
        await client.SendAsync("BDAT 7\r\nhello\r\n");
        AssertReply(250, null, await client.ReadReplyAsync());
        AssertReply(503, "5.5.1", await client.CommandAsync("DATA"));
        AssertReply(503, "5.5.1", await client.CommandAsync("MAIL FROM:<during-bdat@example.com>"));
        AssertReply(250, "2.0.0", await client.CommandAsync("RSET"));
        AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<after-rset@example.com>"));
        AssertReply(221, "2.0.0", await client.CommandAsync("QUIT"));
        Assert.Empty(await Server.ListMailAsync("order@example.com"));
    }

    [Fact]
    public async Task Pipelining_10000CommandsInOneWrite_answeredInOrder()
    {
        const int commands = 10_000;
        var (client, ehlo) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        Assert.Contains("PIPELINING", ehlo.Lines);
        // Five commands with five different replies, so a reply out of order shows.
        (string Command, int Code, string Status)[] cycle =
        [
            ("MAIL FROM:<p@example.com>", 250, "2.1.0"),
            ("RCPT TO:<pipelined@example.com>", 250, "2.1.5"),
            ("VRFY someone", 252, "2.5.0"),
            ("RSET", 250, "2.0.0"),
            ("HELP", 214, "2.0.0"),
        ];
        var wire = new StringBuilder();
        for (var i = 0; i < commands; i++)
        {
            wire.Append(cycle[i % cycle.Length].Command).Append("\r\n");
        }

        // Read while sending: the replies would fill the socket buffers otherwise.
        var send = client.SendAsync(wire.Append("QUIT\r\n").ToString());
        var replies = new List<SmtpReply>(commands + 1);
        for (var i = 0; i <= commands; i++)
        {
            replies.Add(await client.ReadReplyAsync());
        }

        await send;
        for (var i = 0; i < commands; i++)
        {
            var (command, code, status) = cycle[i % cycle.Length];
            Assert.True(replies[i].Code == code && replies[i].Status?.ToString() == status, $"reply {i + 1} to \"{command}\": {replies[i]}");
        }

        AssertReply(221, "2.0.0", replies[^1]);
        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Mail_sizeParameterAboveLimit_answers552()
    {
        var (client, ehlo) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        Assert.Contains($"SIZE {SmtpBadInputServer.MaxMessageSize}", ehlo.Lines);

        AssertReply(552, "5.3.4", await client.CommandAsync($"MAIL FROM:<big@example.com> SIZE={SmtpBadInputServer.MaxMessageSize + 1}"));
        AssertReply(250, "2.1.0", await client.CommandAsync($"MAIL FROM:<big@example.com> SIZE={SmtpBadInputServer.MaxMessageSize}"));
    }

    [Fact]
    public async Task Data_beyondSizeLimit_answers552AfterTheDotStoresNothingAndNextMessageWorks()
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        var line = new string('z', 98) + "\r\n";
        var big = Encoding.ASCII.GetBytes("Subject: too big\r\n\r\n" + string.Concat(Enumerable.Repeat(line, (SmtpBadInputServer.MaxMessageSize / line.Length) + 10)));
        var small = "Subject: small\r\n\r\nfits\r\n"u8.ToArray();

        AssertReply(552, "5.3.4", await client.SendMailAsync("a@example.com", ["too-big@example.com"], big));
        AssertReply(250, null, await client.SendMailAsync("a@example.com", ["after-too-big@example.com"], small));

        Assert.Empty(await Server.ListMailAsync("too-big@example.com"));
        ByteAssert.Equal(small, await Server.SingleStoredAsync("after-too-big@example.com"), "the message after the refused one");
    }

    [Fact]
    public async Task Data_lineOf70000Bytes_answers554StoresNothingAndNextMessageWorks()
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        var message = Encoding.ASCII.GetBytes("Subject: one long line\r\n\r\n" + new string('w', 70_000) + "\r\n");

        // Within SIZE, but a line longer than the server keeps (64 KiB): refused whole, after the dot.
        AssertReply(554, "5.6.0", await client.SendMailAsync("a@example.com", ["long-data-line@example.com"], message));
        AssertReply(250, null, await client.SendMailAsync("a@example.com", ["after-long-data-line@example.com"], "Subject: short\r\n\r\nshort\r\n"u8.ToArray()));

        Assert.Empty(await Server.ListMailAsync("long-data-line@example.com"));
        Assert.Single(await Server.ListMailAsync("after-long-data-line@example.com"));
    }

    [Fact]
    public async Task Data_withBareLineFeeds_answers554StoresNothingAndNothingIsSmuggled()
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        AssertReply(250, "2.1.5", await client.CommandAsync("RCPT TO:<bare-lf@example.com>"));
        AssertReply(354, null, await client.CommandAsync("DATA"));

        // "\n.\r\n" is not the end of the message: a second transaction hidden after it must not run.
        await client.SendAsync(
            "Subject: first\r\n\r\nfirst\n.\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<smuggled@example.com>\r\nDATA\r\n" +
            "Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n");
        var reply = await client.ReadReplyAsync();
        var noop = await client.CommandAsync("NOOP");

        AssertReply(554, "5.6.11", reply);
        AssertReply(250, "2.0.0", noop);
        Assert.Empty(await Server.ListMailAsync("bare-lf@example.com"));
        Assert.Empty(await Server.ListMailAsync("smuggled@example.com"));
    }

    [Fact]
    public async Task Rcpt_moreThanTheLimit_answers452AndTheMessageGoesToTheOthers()
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        var message = "Subject: many recipients\r\n\r\nhello\r\n"u8.ToArray();

        AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        for (var i = 1; i <= SmtpBadInputServer.MaxRecipients; i++)
        {
            AssertReply(250, "2.1.5", await client.CommandAsync($"RCPT TO:<rcpt{i}@many.example>"));
        }

        AssertReply(452, "4.5.3", await client.CommandAsync("RCPT TO:<one-too-many@many.example>"));
        AssertReply(354, null, await client.CommandAsync("DATA"));
        await client.SendAsync(DotStuffer.Encode(message));
        AssertReply(250, null, await client.ReadReplyAsync());

        var stored = (await Server.ListMailAsync()).Where(m => m.Account.EndsWith("@many.example", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, SmtpBadInputServer.MaxRecipients).Select(i => $"rcpt{i}@many.example"), stored.Select(m => m.Account).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Data_clientLeavesMidMessage_nothingStoredAndServerGoesOn(bool reset)
    {
        var account = reset ? "cut-reset@example.com" : "cut-fin@example.com";
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using (client)
        {
            AssertReply(250, "2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
            AssertReply(250, "2.1.5", await client.CommandAsync($"RCPT TO:<{account}>"));
            AssertReply(354, null, await client.CommandAsync("DATA"));
            await client.SendAsync("Subject: cut short\r\n\r\nhalf a mess");
            if (reset)
            {
                client.Reset();
            }
            else
            {
                client.ShutdownSend();
                // The server answers the end of the stream by closing, with nothing stored.
                Assert.DoesNotContain("250", await client.ReadToEndAsync(), StringComparison.Ordinal);
            }
        }

        var (next, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var __ = next;
        AssertReply(250, null, await next.SendMailAsync("a@example.com", [$"after-{account}"], "Subject: whole\r\n\r\nwhole\r\n"u8.ToArray()));
        Assert.Single(await Server.ListMailAsync($"after-{account}"));
        Assert.Empty(await Server.ListMailAsync(account));
    }

    [Fact]
    public async Task Errors_manyInOneSession_closeWith421AndServerGoesOn()
    {
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using (client)
        {
            var replies = new List<SmtpReply>();
            for (var i = 0; i < 100; i++)
            {
                // The last error's reply and the 421 come together: no command after them, or the
                // server would close with it unread (a reset instead of an orderly close).
                if (client.Buffered == 0)
                {
                    await client.SendAsync("XYZZY\r\n");
                }

                var reply = await client.ReadReplyAsync();
                replies.Add(reply);
                if (reply.Code == 421)
                {
                    break;
                }
            }

            AssertReply(421, "4.7.0", replies[^1]);
            Assert.All(replies[..^1], r => AssertReply(500, "5.5.1", r));
            Assert.InRange(replies.Count, 2, 50);
            Assert.Equal("", await client.ReadToEndAsync());
        }

        var (next, _) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var __ = next;
        AssertReply(250, "2.0.0", await next.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task StartTls_plaintextInjectedAfterItInSamePacket_isNeverExecuted()
    {
        var (client, ehlo) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;
        Assert.Contains("STARTTLS", ehlo.Lines);
        using var certificate = Server.Certificate();

        // CVE-2011-0411: commands sent in plaintext with STARTTLS must be thrown away, not run inside TLS.
        await client.SendAsync("STARTTLS\r\nRSET\r\nMAIL FROM:<injected@example.com>\r\n");
        AssertReply(220, null, await client.ReadReplyAsync());
        await client.StartTlsAsync(certificate);
        var first = await client.CommandAsync("EHLO client.example");
        var mail = await client.CommandAsync("MAIL FROM:<honest@example.com>");
        var quit = await client.CommandAsync("QUIT");

        // Had RSET or MAIL run after the handshake, their replies (250, or 503 before EHLO) would come first.
        Assert.True(first.Code == 250 && first.Lines.Count > 1, $"the first reply inside TLS is not EHLO's: {first}");
        Assert.DoesNotContain("STARTTLS", first.Lines);
        AssertReply(250, "2.1.0", mail);
        AssertReply(221, "2.0.0", quit);
        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Auth_overPlaintextWithoutPermission_isNotOfferedAndRefused()
    {
        var (client, ehlo) = await SmtpWireClient.ConnectEhloAsync(Server.Port);
        await using var _ = client;

        var reply = await client.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0user\0password"u8));

        Assert.DoesNotContain(ehlo.Lines, l => l.StartsWith("AUTH", StringComparison.Ordinal));
        Assert.True(reply.Code is 502 or 503 or 530 or 538, $"AUTH without TLS: {reply}");
        AssertReply(250, "2.0.0", await client.CommandAsync("NOOP"));
    }

    internal static void AssertReply(int code, string? status, SmtpReply reply) =>
        Assert.True(reply.Code == code && (status is null || reply.Status?.ToString() == status), $"expected {code} {status}, got: {reply}");
}
