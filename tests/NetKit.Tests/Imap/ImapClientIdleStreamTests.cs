using System.Text;
using MimeKit;
using NetKit.Imap.Client;
using NetKit.Tests.Mail;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

/// <summary>ImapClient.IdleAsync as an async stream: against `netkit serve smtp imap` (an SMTP delivery is an EXISTS event) and against Dovecot.</summary>
public sealed class ImapClientIdleStreamTests
{
    private static ImapClientOptions Plain(SharedTrace trace, TimeSpan? renewal = null) => new()
    {
        Security = ImapSecurity.None,
        AllowPlaintextLogin = true,
        Trace = new WireTrace(trace.Writer, TraceRole.Client),
        IdleRenewal = renewal ?? TimeSpan.FromMinutes(25),
    };

    [Fact]
    public async Task IdleStream_smtpDelivery_isExistsEvent_andLeavingTheLoopEndsIdle()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, "bob", "pw-bob");
            await using var serve = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "imap=127.0.0.1:0", "--data", data, "--allow-plaintext-auth");
            var trace = new SharedTrace();
            await using var client = new ImapClient(Plain(trace));
            await client.ConnectAsync("127.0.0.1", serve.Port("imap"));
            await client.LoginAsync("bob", "pw-bob");
            Assert.Equal(0, (await client.SelectAsync("INBOX")).Exists);

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var events = new List<ImapMailboxEvent>();
            var idling = Task.Run(async () =>
            {
                await foreach (var e in client.IdleAsync(limit.Token))
                {
                    events.Add(e);
                    if (e.Kind == "EXISTS")
                    {
                        break; // the consumer stops: the stream sends DONE and reads the OK
                    }
                }
            });

            var message = new MimeMessage([new MailboxAddress("Ann", "ann@example.org")], [new MailboxAddress("Bob", "bob@localhost")], "pushed", new TextPart("plain") { Text = "over smtp" });
            using (var smtp = new MailKit.Net.Smtp.SmtpClient())
            {
                await smtp.ConnectAsync("127.0.0.1", serve.Port("smtp"), MailKit.Security.SecureSocketOptions.None);
                await smtp.SendAsync(message);
                await smtp.DisconnectAsync(true);
            }

            await idling.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.False(limit.IsCancellationRequested, "the EXISTS never came");
            Assert.Contains(events, e => e.Kind == "EXISTS" && e.Number == 1);
            Assert.Equal(1, client.Selected!.Exists);
            Assert.Contains("C: DONE", trace.ToString(), StringComparison.Ordinal);
            // The IDLE is over and the session goes on.
            Assert.Equal("pushed", (await client.FetchAsync("1", "(ENVELOPE)", uid: false))[0].Envelope!.Subject);
            await client.LogoutAsync();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task IdleStream_renewsIdle_andCancellationEndsItCleanly()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        var trace = new SharedTrace();
        await using var client = new ImapClient(Plain(trace, TimeSpan.FromMilliseconds(100)));
        await client.ConnectAsync("127.0.0.1", harness.Port);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        await client.SelectAsync("INBOX");

        using var stop = new CancellationTokenSource();
        var events = new List<ImapMailboxEvent>();
        var exists = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var idling = Task.Run(async () =>
        {
            await foreach (var e in client.IdleAsync(stop.Token))
            {
                events.Add(e);
                if (e.Kind == "EXISTS")
                {
                    exists.TrySetResult();
                }
            }
        });

        // Renewed several times (DONE, then IDLE again), unseen by the consumer.
        for (var i = 0; i < 200 && Count(trace, " IDLE\n") < 3; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(Count(trace, " IDLE\n") >= 3, trace.ToString());
        await harness.DeliverAsync(TempMailStore.Message("after renewals"));
        await exists.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await idling.WaitAsync(TimeSpan.FromSeconds(20)); // ends without an exception
        Assert.Contains(events, e => e.Kind == "EXISTS" && e.Number == 1);
        Assert.Equal(Count(trace, " IDLE\n"), Count(trace, "C: DONE"));
        await client.NoopAsync();
        Assert.Single(await client.SearchAsync("ALL"));
    }

    [Fact]
    public async Task IdleStream_againstDovecot_hearsAnotherSessionsAppend()
    {
        await using var dovecot = await DovecotPeer.StartAsync("imap", ["Subject: one\r\n\r\nfirst\r\n"u8.ToArray()]);
        var trace = new SharedTrace();
        await using var client = new ImapClient(Plain(trace));
        await client.ConnectAsync("127.0.0.1", dovecot.Port);
        await client.LoginAsync("bob", "pw");
        Assert.Equal(1, (await client.SelectAsync("INBOX")).Exists);

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var idleStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new List<ImapMailboxEvent>();
        var idling = Task.Run(async () =>
        {
            await foreach (var e in client.IdleAsync(limit.Token))
            {
                events.Add(e);
                if (e.Kind == "EXISTS" && e.Number == 2)
                {
                    break;
                }
            }
        });
        for (var i = 0; i < 200 && !trace.ToString().Contains("S: + ", StringComparison.Ordinal); i++)
        {
            await Task.Delay(25);
        }

        await using (var other = new ImapClient(Plain(new SharedTrace())))
        {
            await other.ConnectAsync("127.0.0.1", dovecot.Port);
            await other.LoginAsync("bob", "pw");
            await other.AppendAsync("INBOX", Encoding.ASCII.GetBytes("Subject: two\r\n\r\nsecond\r\n"));
            await other.LogoutAsync();
        }

        await idling.WaitAsync(TimeSpan.FromSeconds(25));
        Assert.False(limit.IsCancellationRequested, "Dovecot's EXISTS never came: " + trace);
        Assert.Contains(events, e => e.Kind == "EXISTS" && e.Number == 2);
        Assert.Contains("C: DONE", trace.ToString(), StringComparison.Ordinal);
        Assert.Equal("two", (await client.FetchAsync("2", "(ENVELOPE)", uid: false))[0].Envelope!.Subject);
        await client.LogoutAsync();
    }

    private static int Count(SharedTrace trace, string text)
    {
        var all = trace.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        var count = 0;
        for (var at = all.IndexOf(text, StringComparison.Ordinal); at >= 0; at = all.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>A transcript written by the client's reading task and read by the test: both under one lock.</summary>
    private sealed class SharedTrace
    {
        private readonly StringWriter text = new();

        public SharedTrace() => Writer = TextWriter.Synchronized(text);

        public TextWriter Writer { get; }

        public override string ToString()
        {
            lock (Writer)
            {
                return text.ToString();
            }
        }
    }
}
