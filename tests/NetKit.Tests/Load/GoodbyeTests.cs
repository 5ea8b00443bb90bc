using System.Net.Sockets;
using System.Text;
using NetKit.Ftp.Server;
using NetKit.Imap.Server;
using NetKit.Smtp.Server;
using NetKit.Telnet;
using NetKit.Tests.Ftp;
using NetKit.Tests.Imap;
using NetKit.Tests.Mail;
using NetKit.Tests.Smtp.Server;
using NetKit.Tests.Telnet;

namespace NetKit.Tests.Load;

// The last words of a server whose deadline passed (issue 12, "Load"): IMAP's autologout "* BYE",
// FTP's "421 Timeout", Telnet's goodbye line, SMTP's refusal of a trickled DATA; and what the
// deadlines must not cut (an IDLE, a literal or a data transfer still flowing, a normal message).
// No timing is asserted: where a deadline must have passed, another silent client's goodbye proves it.
public class GoodbyeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Imap_silentClient_getsByeAutologoutAndIsClosed()
    {
        await using var harness = await ImapServerHarness.StartAsync(Options());
        using var client = await harness.ConnectAsync();
        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        Assert.Equal("", await client.Raw.ReadToEndAsync());
    }

    [Fact]
    public async Task Imap_commandLineTrickledWithoutEnd_getsByeAutologout()
    {
        await using var harness = await ImapServerHarness.StartAsync(Options());
        using var client = await harness.LoginAsync();
        var trickle = TrickleAsync(client.Raw, "a2 NOOP");
        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        await trickle;
    }

    [Fact]
    public async Task Imap_idleOutlastingTheDeadline_isNotCut_andDoneEndsIt()
    {
        await using var harness = await ImapServerHarness.StartAsync(Options());
        using var idler = await harness.LoginAsync();
        await idler.CommandAsync("a1 SELECT INBOX");
        await idler.Raw.SendAsync("a2 IDLE\r\n");
        Assert.Equal("+ idling", await idler.ReadLineAsync());

        // A client connecting after the IDLE began and silent since: its BYE proves a whole deadline has passed.
        using var clock = await harness.ConnectAsync();
        Assert.Equal("* BYE Autologout; idle for too long", await clock.ReadLineAsync());

        await harness.DeliverAsync(TempMailStore.Message("during the idle"));
        Assert.Equal("* 1 EXISTS", await idler.ReadLineAsync());
        await idler.Raw.SendAsync("DONE\r\n");
        Assert.Equal("* 1 RECENT", await idler.ReadLineAsync());
        Assert.Equal("a2 OK IDLE terminated", await idler.ReadLineAsync());
        Assert.StartsWith("a3 OK", (await idler.CommandAsync("a3 NOOP"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imap_literalSentSlowlyPastTheDeadline_isNotCut()
    {
        // A longer deadline than the others' 1 s: a byte goes every 100 ms, and under the whole
        // suite's load one pause of this test's sender past 7/8 of a 1 s deadline was seen to
        // (rightly) cut the literal; at 3 s it would take a stall of 2.6 s.
        await using var harness = await ImapServerHarness.StartAsync(Options() with { CommandTimeout = TimeSpan.FromSeconds(3) });
        using var client = await harness.LoginAsync();
        var message = Encoding.ASCII.GetBytes("Subject: slow\r\n\r\n" + new string('x', 200) + "\r\n");
        await client.Raw.SendAsync($"a2 APPEND INBOX {{{message.Length}}}\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);

        // Pieces keep coming until a silent client's BYE shows the deadline has passed, then the rest.
        using var clock = await harness.ConnectAsync();
        var byeSeen = clock.ReadLineAsync();
        var sent = 0;
        while (!byeSeen.IsCompleted && sent < message.Length - 1)
        {
            await client.Raw.SendAsync(message[sent..(sent + 1)]);
            sent++;
            await Task.WhenAny(byeSeen, Task.Delay(100));
        }

        Assert.Equal("* BYE Autologout; idle for too long", await byeSeen);
        await client.Raw.SendAsync([.. message[sent..], .. "\r\n"u8]);
        Assert.StartsWith("a2 OK", await client.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ftp_silentControlConnection_gets421Timeout()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { CommandTimeout = Deadline });
        using var session = await FtpRawSession.ConnectAsync(server);
        var reply = await session.ReadReplyAsync();
        Assert.Equal(421, reply.Code);
        Assert.Equal("Timeout: no command for 1 seconds; closing control connection.", reply.Lines[0]);
        Assert.Equal("", await session.Client.ReadToEndAsync());
    }

    [Fact]
    public async Task Ftp_uploadLongerThanTheDeadline_isNotCut_thenSilenceGets421()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { CommandTimeout = Deadline });
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(200, (await session.CommandAsync("TYPE I")).Code);
        using var data = await session.OpenPassiveAsync();
        Assert.Equal(150, (await session.CommandAsync("STOR slow.bin")).Code);

        // The upload flows while a silent control connection, opened after it began, is timed out.
        using var clock = await FtpRawSession.ConnectAsync(server, login: false);
        var timedOut = clock.ReadReplyAsync();
        var sent = 0;
        while (!timedOut.IsCompleted)
        {
            await data.SendAsync(new byte[100], SocketFlags.None);
            sent += 100;
            await Task.WhenAny(timedOut, Task.Delay(100));
        }

        Assert.Equal(421, (await timedOut).Code);
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        Assert.Equal(226, (await session.ReadReplyAsync()).Code);
        Assert.Equal(sent, new FileInfo(Path.Combine(server.UserRoot, "slow.bin")).Length);

        // Once the transfer is over, the deadline runs again.
        Assert.Equal(421, (await session.ReadReplyAsync()).Code);
    }

    [Fact]
    public async Task Telnet_silentClient_hearsGoodbyeAndIsClosed()
    {
        await using var harness = TelnetHarness.Start(new TelnetServerOptions { CommandTimeout = Deadline });
        await using var client = await harness.ConnectToPromptAsync();
        Assert.Contains("idle for too long; goodbye", await client.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtp_dataTrickledBelowTheMinimumRate_is421AndNothingIsStored()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { DataTimeout = Deadline, MinDataRate = 500 });
        using var client = await OpenDataAsync(server);
        Assert.StartsWith("354", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var reply = ReadWhileSendingAsync(client, () => client.SendAsync("x\r\n"));
        Assert.Equal("421 4.4.2 Timeout: data too slow; closing the connection", await reply);
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Smtp_bdatChunkTrickledBelowTheMinimumRate_is421AndNothingIsStored()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { DataTimeout = Deadline, MinDataRate = 500 });
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@localhost>\r\nBDAT 100000 LAST\r\n");
        var reply = ReadWhileSendingAsync(client, () => client.SendAsync("x"));
        Assert.Equal("421 4.4.2 Timeout: data too slow; closing the connection", await reply);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Smtp_largeMessageSentAtOnce_isStoredUnderTheSameLimits()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { DataTimeout = Deadline, MinDataRate = 500 });
        using var client = await OpenDataAsync(server);
        Assert.StartsWith("354", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var line = new string('y', 998) + "\r\n";
        await client.SendAsync("Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(line, 4000)) + ".\r\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Single(server.Store.Messages);
    }

    private static ImapServerOptions Options() =>
        new() { AllowPlaintextAuth = true, AuthFailureDelay = TimeSpan.Zero, CommandTimeout = Deadline };

    private static async Task<SmtpWireClient> OpenDataAsync(SmtpServerHarness server)
    {
        var client = await server.ConnectEhloAsync();
        await client.SendAsync("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@localhost>\r\nDATA\r\n");
        Assert.StartsWith("250", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.ReadReplyAsync(), StringComparison.Ordinal);
        return client;
    }

    /// <summary>Sends a piece each 100 ms until a reply other than 250 comes (30 s at most, a generous bound).</summary>
    private static async Task<string> ReadWhileSendingAsync(SmtpWireClient client, Func<Task> send)
    {
        async Task<string> FirstRefusalAsync()
        {
            while (true)
            {
                var next = await client.ReadReplyAsync();
                if (!next.StartsWith("250", StringComparison.Ordinal))
                {
                    return next;
                }
            }
        }

        var reply = FirstRefusalAsync();
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!reply.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await send();
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                break; // Closed under our feet: the reply says why.
            }

            await Task.WhenAny(reply, Task.Delay(100));
        }

        return await reply;
    }

    /// <summary>Sends <paramref name="start"/> then 'x' after 'x', every 100 ms, until the server closes (30 s at most).</summary>
    private static async Task TrickleAsync(NetKit.Tests.Support.RawLineClient client, string start)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        var bytes = Encoding.ASCII.GetBytes(start);
        for (var i = 0; bound.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            try
            {
                await client.SendAsync(i < bytes.Length ? bytes[i..(i + 1)] : "x"u8.ToArray());
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                return;
            }

            await Task.Delay(100);
        }
    }
}
