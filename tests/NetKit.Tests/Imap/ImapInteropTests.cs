using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using NetKit.Imap.Server;
using NetKit.Tests.Support;

namespace NetKit.Tests.Imap;

/// <summary>Real IMAP clients nobody here wrote against our server: Python's imaplib, MailKit, curl.</summary>
public sealed class ImapInteropTests
{
    private static readonly byte[] Interop = Encoding.UTF8.GetBytes(
        "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\nTo: bob@localhost\r\nSubject: interop test\r\n" +
        "Date: Tue, 6 Feb 2024 09:30:00 +0000\r\nMessage-ID: <interop@example.org>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n" +
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Gr&uuml;&szlig;e</p>\r\n--b1--\r\n");

    [Fact]
    public async Task PythonImaplib_fullSession()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(Interop);
        await harness.DeliverAsync(Second);
        await using var python = ChildProcess.Start(PeerPrograms.Python3, ["-u", InteropScripts.PathOf("imap_client.py"), harness.Port.ToString(CultureInfo.InvariantCulture), "bob", ImapServerHarness.Password]);
        await python.WaitForLineAsync(l => l.StartsWith("idle: ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "IDLE started");
        await harness.DeliverAsync(Second);
        await python.WaitForLineAsync(l => l.StartsWith("logout: ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the end of the session");
        var lines = python.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("capability:", StringComparison.Ordinal) && l.Contains("IMAP4REV1", StringComparison.Ordinal));
        Assert.Contains("login: OK", lines);
        Assert.Contains(lines, l => l.StartsWith("list: OK 6", StringComparison.Ordinal));
        Assert.Contains("select: OK 2", lines);
        Assert.Contains("search all: 1 2", lines);
        Assert.Contains("search subject: 1", lines);
        Assert.Contains($"fetch rfc822: OK {Interop.Length} {Convert.ToHexStringLower(SHA256.HashData(Interop))}", lines);
        Assert.Contains("uid fetch header: Subject: interop test", lines);
        Assert.Contains(lines, l => l.StartsWith("store: OK 1 (FLAGS (", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));
        Assert.Contains("copy: OK", lines);
        Assert.Contains(lines, l => l.StartsWith("append: OK [APPENDUID ", StringComparison.Ordinal));
        Assert.Contains("expunge: OK ['1']", lines);
        Assert.Contains("archive: 1", lines);
        Assert.Contains(lines, l => l.StartsWith("archive flags: 1 (FLAGS (", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal) && l.Contains("\\Seen", StringComparison.Ordinal));
        Assert.Contains("idle: + idling", lines);
        Assert.Contains("idle event: * 3 EXISTS", lines);
        Assert.Contains(lines, l => l.StartsWith("idle done:", StringComparison.Ordinal) && l.EndsWith("OK IDLE terminated", StringComparison.Ordinal));
        Assert.Contains("logout: OK", lines);
        // Flags set over IMAP are in the store, for the next session and the next restart.
        var archived = Assert.Single(await harness.Store.ListEntriesAsync("bob", "Archive"));
        Assert.Contains("\\Flagged", archived.Flags, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailKit_startTlsScram_summaries_message_move_search_flags_append()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { Certificate = ImapServerHarness.Certificate, AuthFailureDelay = TimeSpan.Zero });
        await harness.DeliverAsync(Interop);
        await harness.DeliverAsync(Second);
        using var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", harness.Port, SecureSocketOptions.StartTls);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Idle));
        Assert.Contains("SCRAM-SHA-256", client.AuthenticationMechanisms);
        client.AuthenticationMechanisms.Remove("PLAIN");
        await client.AuthenticateAsync("bob", ImapServerHarness.Password);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Move));

        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, inbox.Count);
        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Flags | MessageSummaryItems.Size);
        var first = summaries[0];
        var envelope = first.Envelope!;
        Assert.Equal("interop test", envelope.Subject);
        Assert.Equal("Jürgen", ((MailboxAddress)envelope.From[0]).Name);
        Assert.Equal("interop@example.org", envelope.MessageId);
        var body = Assert.IsType<BodyPartMultipart>(first.Body);
        Assert.Equal("alternative", body.ContentType!.MediaSubtype);
        Assert.Equal(2, body.BodyParts.Count);
        Assert.Equal((uint)Interop.Length, first.Size);
        Assert.Equal(new UniqueId(1), first.UniqueId);

        var text = (TextPart)await inbox.GetBodyPartAsync(first.UniqueId, first.TextBody!);
        Assert.Equal("Grüße", text.Text); // the CRLF before a boundary belongs to the boundary
        using (var stream = await inbox.GetStreamAsync(first.UniqueId, ""))
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(Interop, copy.ToArray());
        }

        var message = await inbox.GetMessageAsync(first.UniqueId);
        Assert.Equal("interop test", message.Subject);

        Assert.Equal([new UniqueId(1)], await inbox.SearchAsync(SearchQuery.SubjectContains("interop").And(SearchQuery.NotSeen)));
        await inbox.AddFlagsAsync(new UniqueId(2), MessageFlags.Flagged, silent: false);
        Assert.Equal([new UniqueId(2)], await inbox.SearchAsync(SearchQuery.Flagged));

        var sent = await client.GetFolderAsync("Sent");
        var appended = await sent.AppendAsync(new MimeMessage(new[] { new MailboxAddress("Bob", "bob@localhost") }, new[] { new MailboxAddress("Ann", "ann@example.org") }, "sent copy", new TextPart("plain") { Text = "hi" }), MessageFlags.Seen);
        Assert.Equal(new UniqueId(1), appended);

        var trash = client.GetFolder(SpecialFolder.Trash);
        Assert.NotNull(trash);
        var moved = await inbox.MoveToAsync(new UniqueId(2), trash);
        Assert.Equal(new UniqueId(1), moved);
        Assert.Equal(1, inbox.Count);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task MailKit_idle_isToldOfNewDelivery()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", harness.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("bob", ImapServerHarness.Password);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var done = new CancellationTokenSource();
        inbox.CountChanged += (_, _) =>
        {
            arrived.TrySetResult(inbox.Count);
            done.Cancel();
        };
        var idle = client.IdleAsync(done.Token);
        var deliverer = Task.Run(async () =>
        {
            // Deliver until IDLE has started and heard it (a delivery before the IDLE is reported as EXISTS anyway).
            await Task.Delay(200);
            await harness.DeliverAsync(Interop);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        timeout.Token.Register(() => arrived.TrySetCanceled());
        Assert.Equal(1, await arrived.Task);
        await idle;
        await deliverer;
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Curl_listsMailboxes_andFetchesMessageByteExact()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(Interop);
        var curl = PeerPrograms.Require("curl", "curl");
        var user = $"bob:{ImapServerHarness.Password}";
        var list = await ProcessRunner.RunAsync(curl, ["-sS", "--user", user, $"imap://127.0.0.1:{harness.Port}/"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("* LIST (\\HasNoChildren \\Sent) \"/\" Sent", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("INBOX", list.Stdout, StringComparison.Ordinal);

        var file = Path.GetTempFileName();
        try
        {
            var fetch = await ProcessRunner.RunAsync(curl, ["-sS", "--user", user, "-o", file, $"imap://127.0.0.1:{harness.Port}/INBOX;UID=1"]);
            Assert.True(fetch.ExitCode == 0, fetch.ToString());
            Assert.Equal(Interop, await File.ReadAllBytesAsync(file));
        }
        finally
        {
            File.Delete(file);
        }

        var search = await ProcessRunner.RunAsync(curl, ["-sS", "--user", user, "-X", "SEARCH SUBJECT interop", $"imap://127.0.0.1:{harness.Port}/INBOX"]);
        Assert.Contains("* SEARCH 1", search.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailKit_sequenceNumbersStayConsistent_whileOtherSessionsAppendAndExpunge()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await harness.DeliverAsync(NetKit.Tests.Mail.TempMailStore.Message($"seed {i}"));
        }

        using var watcher = await ConnectAsync(harness);
        await watcher.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(n => Task.Run(async () =>
        {
            using var client = await ConnectAsync(harness);
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            for (var round = 0; round < 15; round++)
            {
                await client.Inbox.AppendAsync(new MimeMessage([], [new MailboxAddress("", "bob@localhost")], $"added {n}/{round}", new TextPart("plain") { Text = "x" }));
                await client.Inbox.AddFlagsAsync(round % 5, MessageFlags.Deleted, silent: true);
                await client.Inbox.ExpungeAsync();
            }

            await client.DisconnectAsync(true);
        })).ToList();

        var checks = 0;
        while (!writers.All(w => w.IsCompleted) || checks == 0)
        {
            // MailKit follows every EXISTS and EXPUNGE; a wrong sequence number would break its view or its FETCH.
            var summaries = await watcher.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId);
            // New messages may be announced (EXISTS) with the FETCH's reply; expunges may not (RFC 3501 7.4.1).
            Assert.True(summaries.Count <= watcher.Inbox.Count, $"{summaries.Count} fetched, {watcher.Inbox.Count} known");
            Assert.Equal(summaries.Select(s => s.UniqueId.Id).Order(), summaries.Select(s => s.UniqueId.Id));
            Assert.Equal(Enumerable.Range(0, summaries.Count), summaries.Select(s => s.Index));
            await watcher.NoOpAsync();
            checks++;
        }

        await Task.WhenAll(writers);
        await watcher.NoOpAsync();
        var final = await harness.Store.ListEntriesAsync("bob", NetKit.Mail.MailStore.Inbox);
        Assert.Equal(final.Count, watcher.Inbox.Count);
        Assert.Equal(final.Select(e => (uint)e.Uid), (await watcher.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId)).Select(s => s.UniqueId.Id));
        await watcher.DisconnectAsync(true);
    }

    private static async Task<ImapClient> ConnectAsync(ImapServerHarness harness)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", harness.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("bob", ImapServerHarness.Password);
        return client;
    }

    private static byte[] Second => NetKit.Tests.Mail.TempMailStore.Message("second message", "nothing to see");
}
