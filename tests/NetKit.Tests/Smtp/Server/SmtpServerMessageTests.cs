using System.Net.Sockets;
using System.Text;
using NetKit.Smtp;
using NetKit.Smtp.Server;

namespace NetKit.Tests.Smtp.Server;

/// <summary>Messages in: DATA and BDAT, limits, hostile content, the hook, and what is (not) stored.</summary>
public class SmtpServerMessageTests
{
    private static async Task OpenTransactionAsync(SmtpWireClient client, string mail = "MAIL FROM:<a@b.example>")
    {
        await client.SendAsync($"{mail}\r\nRCPT TO:<x@localhost>\r\n");
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    /// <summary>MAIL, RCPT and DATA answered: the message comes next.</summary>
    private static async Task OpenDataAsync(SmtpWireClient client)
    {
        await OpenTransactionAsync(client);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_message_isStoredByteExact_unstuffed_withItsEnvelope()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client, "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME ENVID=x+2By RET=HDRS");
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        var body = "Subject: Привет\r\n\r\n..leading dot\r\n.\r\n"u8.ToArray();
        await client.SendAsync([.. Encoding.Latin1.GetBytes("Subject: \xe9t\xe9\r\n"), .. body]);
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var message = Assert.Single(server.Store.Messages);
        Assert.Equal([.. Encoding.Latin1.GetBytes("Subject: \xe9t\xe9\r\n"), .. "Subject: Привет\r\n\r\n.leading dot\r\n"u8.ToArray()], message.Data.ToArray());
        Assert.Equal("a@b.example", message.ReversePath);
        Assert.Equal("x@localhost", Assert.Single(message.Recipients).Address);
        Assert.Equal("test.example", message.HeloName);
        Assert.Equal(SmtpBodyType.EightBitMime, message.Mail.Body);
        Assert.Equal("x+y", message.Mail.EnvelopeId);
        Assert.Equal(SmtpDsnReturn.Headers, message.Mail.Return);
    }

    [Fact]
    public async Task Bdat_chunks_areJoinedExactly_andBinaryMimeIsAllowed()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client, "MAIL FROM:<> BODY=BINARYMIME");
        byte[] first = [.. "Subject: b\r\n\r\n.\r\n"u8, 0, 255, (byte)'\n'];
        byte[] second = [.. "\r\n.\r\nQUIT\r\n"u8];
        await client.SendAsync([.. Encoding.ASCII.GetBytes($"BDAT {first.Length}\r\n"), .. first, .. Encoding.ASCII.GetBytes($"BDAT {second.Length} LAST\r\n"), .. second, .. "NOOP\r\n"u8]);
        Assert.StartsWith($"250 2.0.0 {first.Length} octets", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 Ok", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 Ok", await client.ReadReplyAsync(), StringComparison.Ordinal); // NOOP: in step
        Assert.Equal([.. first, .. second], Assert.Single(server.Store.Messages).Data.ToArray());
        Assert.Equal("", server.Store.Messages[0].ReversePath);
    }

    [Fact]
    public async Task Bdat_outOfSequence_skipsTheChunkAndStaysInStep()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync("BDAT 6 LAST\r\nQUIT\r\nNOOP\r\n");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("501 5.5.4", await client.CommandAsync("BDAT x"), StringComparison.Ordinal);
        Assert.StartsWith("501 5.5.4", await client.CommandAsync("BDAT 1 NOTLAST"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_sizeOverTheLimit_is552()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxMessageSize = 1000 });
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("552 5.3.4", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=1001"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=1000"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_overTheLimit_isReadToItsEnd_then552_andNothingStored()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxMessageSize = 1000 });
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        await client.SendAsync(string.Concat(Enumerable.Repeat(new string('x', 70) + "\r\n", 100)) + "MAIL FROM:<evil@x>\r\n.\r\n");
        Assert.StartsWith("552 5.3.4", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("RCPT TO:<x@localhost>"), StringComparison.Ordinal); // the transaction is over
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Bdat_overTheLimit_is552ForEveryChunk_andNothingStored()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxMessageSize = 10 });
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client);
        await client.SendAsync("BDAT 8\r\n12345678BDAT 8\r\n12345678BDAT 2 LAST\r\n12NOOP\r\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("552 5.3.4", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("552 5.3.4", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Data_bareLineFeed_is554_5_6_11_andTheSmuggledMessageIsNotRead()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        await client.SendAsync("Subject: a\r\n\r\nfirst\n.\nMAIL FROM:<smuggled@x>\r\nRCPT TO:<y@localhost>\r\nDATA\r\nsmuggled\r\n.\r\n");
        Assert.StartsWith("554 5.6.11", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("NOOP"), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Data_lineOverTheDataLineLimit_is554_5_6_0()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxDataLineLength = 1000 });
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        await client.SendAsync("a\r\n" + new string('y', 5000) + "\r\nb\r\n.\r\n");
        Assert.StartsWith("554 5.6.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Command_tooLong_is500_5_5_2_andTheNextCommandWorks()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync("NOOP " + new string('x', 100_000) + "\r\nNOOP\r\n");
        Assert.StartsWith("500 5.5.2", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_withNulOrInvalidUtf8_is500_5_5_2()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await client.SendAsync([.. "MAIL FROM:<a\0@b.example>\r\n"u8, .. "MAIL FROM:<a\xff@b.example>\r\n"u8.ToArray()]);
        await client.SendAsync([.. "MAIL FROM:<a"u8, 0xff, .. "@b.example>\r\n"u8]);
        Assert.StartsWith("500 5.5.2", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var second = await client.ReadReplyAsync();
        Assert.StartsWith("553 5.6.7", second, StringComparison.Ordinal); // U+00FF without SMTPUTF8
        Assert.StartsWith("500 5.5.2", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_clientLeavesMidMessage_nothingIsStored()
    {
        await using var server = SmtpServerHarness.Start();
        using (var quitter = await server.ConnectEhloAsync())
        {
            await OpenTransactionAsync(quitter);
            Assert.StartsWith("354", await quitter.CommandAsync("DATA"), StringComparison.Ordinal);
            await quitter.SendAsync("Subject: half\r\n\r\nbody without an end\r\n");
        }

        using (var quitter = await server.ConnectEhloAsync())
        {
            await OpenTransactionAsync(quitter);
            await quitter.SendAsync("BDAT 100 LAST\r\nonly part");
            quitter.Reset();
        }

        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        Assert.StartsWith("250", await client.CommandAsync("Subject: whole\r\n."), StringComparison.Ordinal);
        var messages = await server.Store.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal("Subject: whole\r\n", Encoding.ASCII.GetString(Assert.Single(messages).Data.Span));
    }

    [Fact]
    public async Task Hook_refusesAMessage_withItsReply_andNothingIsStored()
    {
        var options = new SmtpServerOptions
        {
            OnMessage = (message, _) => ValueTask.FromResult(
                Encoding.ASCII.GetString(message.Data.Span).Contains("spam", StringComparison.Ordinal)
                    ? new SmtpReply(550, "5.7.1", "No spam, thanks")
                    : null),
        };
        await using var server = SmtpServerHarness.Start(options);
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        Assert.Equal("550 5.7.1 No spam, thanks", await client.CommandAsync("buy spam\r\n."));
        await OpenDataAsync(client);
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("ham\r\n."), StringComparison.Ordinal);
        Assert.Equal("ham\r\n", Encoding.ASCII.GetString(Assert.Single(server.Store.Messages).Data.Span));
    }

    [Fact]
    public async Task Hook_acceptingWith250_storesNothing_andIsCounted()
    {
        var accepted = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "netkit.smtp.messages.accepted")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref accepted, value));
        listener.Start();
        var seen = new List<SmtpReceivedMessage>();
        var options = new SmtpServerOptions
        {
            OnMessage = (message, _) =>
            {
                lock (seen)
                {
                    seen.Add(message);
                }

                return ValueTask.FromResult<SmtpReply?>(new SmtpReply(250, "2.0.0", "Inspected and dropped"));
            },
        };
        await using var server = SmtpServerHarness.Start(options);
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        Assert.Equal("250 2.0.0 Inspected and dropped", await client.CommandAsync("x\r\n."));
        Assert.Empty(server.Store.Messages);
        Assert.Equal("x@localhost", Assert.Single(seen).Recipients[0].Address);
        Assert.Equal("127.0.0.1", seen[0].RemoteAddress);
        Assert.True(Interlocked.Read(ref accepted) >= 1);
    }

    [Fact]
    public async Task Hook_thatThrows_is451()
    {
        var options = new SmtpServerOptions { OnMessage = (_, _) => throw new InvalidOperationException("boom") };
        await using var server = SmtpServerHarness.Start(options);
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("x\r\n."), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    private sealed class FailingStore : ISmtpMessageStore
    {
        public ValueTask<string?> FindLocalAccountAsync(string userName, CancellationToken cancellationToken) =>
            userName == "broken" ? throw new IOException("database locked") : ValueTask.FromResult<string?>(userName);

        public ValueTask<string?> DeliverAsync(SmtpReceivedMessage message, CancellationToken cancellationToken) =>
            throw new IOException("disk full");
    }

    [Fact]
    public async Task Store_thatFails_is451_neverA250_andTheSessionGoesOn()
    {
        var server = new SmtpServer(new FailingStore());
        await using var listener = server.Listen(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        using var client = await SmtpWireClient.ConnectAsync(((System.Net.IPEndPoint)listener.LocalEndPoint!).Port);
        Assert.StartsWith("220", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("RCPT TO:<broken@localhost>"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<x@localhost>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("x\r\n."), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipelining_tenThousandCommands_areAnsweredInOrder()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxErrors = 100_000 });
        using var client = await server.ConnectEhloAsync();
        var commands = new StringBuilder();
        var expected = new List<string>();
        for (var i = 0; i < 2_000; i++)
        {
            commands.Append("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@localhost>\r\nRSET\r\nVRFY x\r\nBOGUS\r\n");
            expected.AddRange(["250 2.1.0", "250 2.1.5", "250 2.0.0", "252 2.5.0", "500 5.5.1"]);
        }

        var sending = client.SendAsync(commands.ToString());
        for (var i = 0; i < expected.Count; i++)
        {
            var reply = await client.ReadReplyAsync();
            Assert.True(reply.StartsWith(expected[i], StringComparison.Ordinal), $"reply {i}: expected {expected[i]}, got {reply}");
        }

        await sending;
        Assert.StartsWith("221", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_overTheConnectionLimit_says421()
    {
        await using var server = SmtpServerHarness.Start(transport: new NetKit.Transport.StreamServerOptions { MaxConnections = 1 });
        using var first = await server.ConnectAsync();
        using var second = await SmtpWireClient.ConnectAsync(server.Port);
        Assert.StartsWith("421 ", await second.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await second.IsClosedAsync());
    }

    [Fact]
    public async Task Data_bareCarriageReturn_isRefusedLikeBareLf()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        await client.SendAsync("Subject: cr\r\n\r\nline\r.\rMAIL FROM:<evil@x>\r\n.\r\n");
        Assert.StartsWith("554 5.6.11", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("NOOP"), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Data_nul_isRefused()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        await client.SendAsync("Subject: nul\r\n\r\na\0b\r\n.\r\n");
        Assert.StartsWith("554 5.6.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Bdat_bareLf_isRefusedLikeData()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client);
        var chunk = "Subject: lf\r\n\r\nx\n.\nMAIL FROM:<evil@x>\r\n";
        await client.SendAsync($"BDAT {chunk.Length} LAST\r\n{chunk}");
        Assert.StartsWith("554 5.6.11", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("NOOP"), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Theory]
    [InlineData("a\rb\r\n", "554 5.6.11")]
    [InlineData("a\r", "554 5.6.11")]
    [InlineData("a\0b\r\n", "554 5.6.0")]
    public async Task Bdat_bareCrOrNul_isRefusedAtLast(string body, string reply)
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client);
        await client.SendAsync($"BDAT {body.Length}\r\n{body}BDAT 0 LAST\r\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith(reply, await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Bdat_crLfSplitAcrossChunks_isStored()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client);
        await client.SendAsync("BDAT 3\r\nab\rBDAT 1 LAST\r\n\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("ab\r\n"u8.ToArray(), Assert.Single(server.Store.Messages).Data.ToArray());
    }

    [Fact]
    public async Task Bdat_binaryMime_keepsBareLfAndNul()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client, "MAIL FROM:<a@b.example> BODY=BINARYMIME");
        await client.SendAsync("BDAT 4 LAST\r\na\0\n\r");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("a\0\n\r"u8.ToArray(), Assert.Single(server.Store.Messages).Data.ToArray());
    }

    [Fact]
    public async Task Mail_sizeBeyondLong_is552NotSyntaxError()
    {
        await using var server = SmtpServerHarness.Start();
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("552 5.3.4", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=99999999999999999999"), StringComparison.Ordinal);
        Assert.StartsWith("501 5.5.4", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=12x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<\"postmaster\"@localhost>", "postmaster")]
    [InlineData("<\"alice\"@localhost>", "alice")]
    [InlineData("<\"al\\ice\"@localhost>", "alice")]
    public async Task Rcpt_quotedLocalPart_isLookedUpUnquoted(string recipient, string account)
    {
        await using var server = SmtpServerHarness.Start(store: new InMemorySmtpMessageStore(["alice"]));
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.CommandAsync($"RCPT TO:{recipient}"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("Subject: q\r\n\r\nx\r\n."), StringComparison.Ordinal);
        Assert.Equal(account, Assert.Single(Assert.Single(server.Store.Messages).Recipients).Account);
    }

    [Fact]
    public async Task Rcpt_quotedPostmaster_isAccepted()
    {
        await using var server = SmtpServerHarness.Start(store: new InMemorySmtpMessageStore(["alice"]));
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<\"postmaster\"@localhost>"), StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.1", await client.CommandAsync("RCPT TO:<\"bob\"@localhost>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_tooBigMessageStillArriving_getsPermanent552NotTimeout421()
    {
        // The deadline is one of inactivity: a message that keeps coming is read to its end (no minimum rate here: 44 bytes/s).
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxMessageSize = 1000, DataTimeout = TimeSpan.FromSeconds(2), MinDataRate = 0 });
        using var client = await server.ConnectEhloAsync();
        await OpenDataAsync(client);
        await client.SendAsync(string.Concat(Enumerable.Repeat(new string('x', 108) + "\r\n", 10)));
        for (var i = 0; i < 15; i++)
        {
            await Task.Delay(250);
            await client.SendAsync("more body\r\n");
        }

        await client.SendAsync(".\r\n");
        Assert.StartsWith("552 5.3.4", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Store.Messages);
    }

    [Fact]
    public async Task Bdat_slowChunkStillArriving_isReadNotTimedOut()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { DataTimeout = TimeSpan.FromSeconds(2), MinDataRate = 0 });
        using var client = await server.ConnectEhloAsync();
        await OpenTransactionAsync(client);
        await client.SendAsync($"BDAT {15 * 11} LAST\r\n");
        for (var i = 0; i < 15; i++)
        {
            await client.SendAsync("more body\r\n");
            await Task.Delay(250);
        }

        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Single(server.Store.Messages);
    }

    [Fact]
    public async Task Mail_sizeOverWhatIsLeftOfTheBufferBudget_is452_4_3_1()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxMessageSize = 20_000, MaxBufferedMessageBytes = 20_000 });
        using var holder = await server.ConnectEhloAsync();
        await OpenDataAsync(holder);
        await holder.SendAsync(string.Concat(Enumerable.Repeat(new string('h', 98) + "\r\n", 120))); // 12,000 bytes, unfinished
        await WaitForAsync(() => server.Server.Budget.Used >= 12_000);

        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("452 4.3.1", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=10000"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=100"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_overWhatIsLeftOfTheBufferBudget_is452_andTheBudgetIsGivenBack()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { MaxMessageSize = 20_000, MaxBufferedMessageBytes = 20_000 });
        var message = string.Concat(Enumerable.Repeat(new string('m', 98) + "\r\n", 100)) + ".\r\n"; // 10,000 bytes
        using (var holder = await server.ConnectEhloAsync())
        {
            await OpenDataAsync(holder);
            await holder.SendAsync(string.Concat(Enumerable.Repeat(new string('h', 98) + "\r\n", 120)));
            await WaitForAsync(() => server.Server.Budget.Used >= 12_000);

            using var client = await server.ConnectEhloAsync();
            await OpenDataAsync(client);
            await client.SendAsync(message);
            Assert.StartsWith("452 4.3.1", await client.ReadReplyAsync(), StringComparison.Ordinal);
            Assert.StartsWith("250 2.0.0", await client.CommandAsync("NOOP"), StringComparison.Ordinal);
            Assert.Empty(server.Store.Messages);
            holder.Reset(); // leaves mid-DATA: its share must come back
        }

        await WaitForAsync(() => server.Server.Budget.Used == 0);
        using var again = await server.ConnectEhloAsync();
        await OpenDataAsync(again);
        await again.SendAsync(message);
        Assert.StartsWith("250 2.0.0", await again.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Single(server.Store.Messages);
        Assert.StartsWith("221", await again.CommandAsync("QUIT"), StringComparison.Ordinal);
        await WaitForAsync(() => server.Server.Budget.Used == 0);
    }

    [Fact]
    public void SmtpServer_maxMessageSizeAboveWhatTheStoreCanKeep_isRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SmtpServer(new SmallStore(), new SmtpServerOptions { MaxMessageSize = 1001 }));
        Assert.Contains("1000", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1000, new SmtpServer(new SmallStore(), new SmtpServerOptions { MaxMessageSize = 1000 }).Options.MaxMessageSize);
    }

    [Fact]
    public void SmtpServer_bufferBudgetBelowMaxMessageSize_isRefused() =>
        Assert.Throws<ArgumentException>(() => new SmtpServer(new InMemorySmtpMessageStore(), new SmtpServerOptions { MaxMessageSize = 2000, MaxBufferedMessageBytes = 1000 }));

    /// <summary>Waits for a condition on the server's side (no timing is asserted: 10 s is only a hang guard).</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 10_000, "the server never got there");
            await Task.Delay(10);
        }
    }

    private sealed class SmallStore : ISmtpMessageStore
    {
        public long MaxMessageSize => 1000;

        public ValueTask<string?> FindLocalAccountAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(userName);

        public ValueTask<string?> DeliverAsync(SmtpReceivedMessage message, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    }
}
