using System.Text;
using NetKit.Imap;
using NetKit.Imap.Client;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Net;
using NetKit.Tests.Mail;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

/// <summary>Our client against our server (loopback), and the response codec read both ways.</summary>
public sealed class ImapClientTests
{
    private static ImapClientOptions Plain => new() { Security = ImapSecurity.None, AllowPlaintextLogin = true };

    [Fact]
    public void Response_parsesStatusDataAndFetchWithLiterals()
    {
        var ok = ImapResponse.Parse(ImapRawCommand.FromText("A1 OK [APPENDUID 38505 3955] APPEND completed"));
        Assert.Equal((ImapResponseKind.Tagged, "A1", ImapStatus.Ok, "APPENDUID 38505 3955", "APPEND completed"), (ok.Kind, ok.Tag, ok.Status, ok.Code, ok.Text));
        var exists = ImapResponse.Parse(ImapRawCommand.FromText("* 23 EXISTS"));
        Assert.Equal(("EXISTS", 23u), (exists.Name, exists.Number!.Value));
        var list = ImapResponse.Parse(ImapRawCommand.FromText("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\""));
        Assert.Equal("(\\HasNoChildren \\Sent) \"/\" \"Sent Items\"", string.Join(' ', list.Values));
        var fetch = ImapResponse.Parse(new ImapRawCommand(
            [Encoding.ASCII.GetBytes("* 12 FETCH (UID 7 BODY[HEADER.FIELDS (FROM TO)]<0> {5}"), Encoding.ASCII.GetBytes(" FLAGS (\\Seen) ENVELOPE (NIL \"s\" NIL)(\"x\"))")],
            [Encoding.ASCII.GetBytes("ab\r\nc")]));
        var items = fetch.Values[0].Items;
        Assert.Equal("BODY[HEADER.FIELDS (FROM TO)]<0>", items[2].Text);
        Assert.Equal("ab\r\nc", items[3].Text);
        Assert.Equal(ImapValueKind.Nil, items[7].Items[0].Kind);
        var continuation = ImapResponse.Parse(ImapRawCommand.FromText("+ idling"));
        Assert.Equal((ImapResponseKind.Continuation, "idling"), (continuation.Kind, continuation.Text));
        Assert.Throws<ImapParseException>(() => ImapResponse.Parse(ImapRawCommand.FromText("A1 EXISTS")));
        Assert.Throws<ImapParseException>(() => ImapResponse.Parse(ImapRawCommand.FromText("* LIST (unbalanced")));
    }

    [Fact]
    public async Task Client_fullSession_againstOurServer()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        var raw = TempMailStore.Message("client test", "body for the client");
        await harness.DeliverAsync(raw);
        await using var client = new ImapClient(Plain);
        await client.ConnectAsync("127.0.0.1", harness.Port);
        Assert.Contains("IDLE", client.Capabilities);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        Assert.True(client.IsAuthenticated);
        Assert.Contains("MOVE", client.Capabilities);

        var mailboxes = await client.ListAsync();
        Assert.Contains(mailboxes, m => m.Name == "Sent" && m.Attributes.Contains("\\Sent"));
        var inbox = await client.SelectAsync("INBOX");
        Assert.Equal((1, false), (inbox.Exists, inbox.ReadOnly));
        Assert.True(inbox.UidValidity > 0);

        Assert.Equal([1u], await client.SearchAsync("SUBJECT \"client test\""));
        var fetched = Assert.Single(await client.FetchAsync("1:*", "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"));
        Assert.Equal(raw, fetched.Sections["BODY[]"]);
        Assert.Equal((1u, (long)raw.Length), (fetched.Uid!.Value, fetched.Size!.Value));
        Assert.NotNull(fetched.InternalDate);

        await client.StoreFlagsAsync("1", '+', ["\\Flagged"]);
        Assert.Contains("\\Flagged", (await client.FetchAsync("1", "FLAGS"))[0].Flags!);
        var appended = await client.AppendAsync("INBOX", Encoding.ASCII.GetBytes("Subject: by our client\r\n\r\nhi\r\n"), ["\\Seen"]);
        Assert.Equal(2u, appended);
        await client.NoopAsync();
        Assert.Equal(2, client.Selected!.Exists);
        await client.CopyAsync("1", "Archive");
        await client.MoveAsync("2", "Trash");
        Assert.Equal(1, client.Selected!.Exists);
        var error = await Assert.ThrowsAsync<ImapCommandException>(() => client.SelectAsync("Nowhere"));
        Assert.Equal("NONEXISTENT", error.Code);
        Assert.Single(await harness.Store.ListEntriesAsync("bob", "Trash"));
        await client.LogoutAsync();
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Client_idle_hearsDelivery()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await using var client = new ImapClient(Plain);
        await client.ConnectAsync("127.0.0.1", harness.Port);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        await client.SelectAsync("INBOX");
        using var stop = new CancellationTokenSource();
        var events = new List<ImapMailboxEvent>();
        var idling = client.IdleAsync(e =>
        {
            lock (events)
            {
                events.Add(e);
            }

            if (e.Kind == "EXISTS")
            {
                stop.Cancel();
            }
        }, stop.Token);
        // The delivery may come before or during the IDLE: either way the server announces it in it.
        await harness.DeliverAsync(TempMailStore.Message("pushed"));
        await idling.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains(events, e => e.Kind == "EXISTS" && e.Number == 1);
        Assert.Equal(1, client.Selected!.Exists);
    }

    [Fact]
    public async Task Client_startTls_scram_andWrongPassword()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { Certificate = ImapServerHarness.Certificate, AuthFailureDelay = TimeSpan.Zero });
        var trace = new StringWriter();
        await using var client = new ImapClient(new ImapClientOptions { Security = ImapSecurity.StartTls, AcceptAnyCertificate = true, Trace = new WireTrace(trace, TraceRole.Client) });
        await client.ConnectAsync(NetEndpoint.Parse($"127.0.0.1:{harness.Port}"));
        Assert.True(client.IsSecure);
        Assert.Contains("AUTH=SCRAM-SHA-256", client.Capabilities);
        var wrong = await Assert.ThrowsAsync<ImapCommandException>(() => client.LoginAsync("bob", "wrong"));
        Assert.Equal("AUTHENTICATIONFAILED", wrong.Code);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        Assert.Contains(" AUTHENTICATE SCRAM-SHA-256 ********", trace.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ImapServerHarness.Password, trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_refusesPlaintextPassword_unlessAllowed()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await using var client = new ImapClient(new ImapClientOptions { Security = ImapSecurity.None });
        await client.ConnectAsync("127.0.0.1", harness.Port);
        await Assert.ThrowsAsync<ImapProtocolException>(() => client.LoginAsync("bob", ImapServerHarness.Password));
        Assert.Empty(await harness.Store.ListMailboxesAsync("bob")); // nothing was sent: no first login happened
    }

    [Fact]
    public async Task Client_parsesEnvelopeAndBodyStructure_writtenByOurServer()
    {
        var raw = Encoding.UTF8.GetBytes(
            "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\nTo: team: ann@example.org, bob@example.org;, carol@example.net\r\n" +
            "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nDate: Tue, 6 Feb 2024 09:30:00 +0000\r\nMessage-ID: <m1@example.org>\r\n" +
            "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n" +
            "--o\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n" +
            "--i\r\nContent-Type: text/plain\r\n\r\na\r\n--i\r\nContent-Type: text/html\r\n\r\n<b>a</b>\r\n--i--\r\n" +
            "--o\r\nContent-Type: application/pdf; name=r.pdf\r\nContent-Disposition: attachment; filename=r.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--o--\r\n");
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(raw);
        await using var client = new ImapClient(Plain);
        await client.ConnectAsync("127.0.0.1", harness.Port);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        await client.ExamineAsync("INBOX");
        var fetched = Assert.Single(await client.FetchAsync("1", "(ENVELOPE BODYSTRUCTURE)"));
        var envelope = fetched.Envelope!;
        Assert.Equal("Grüße", envelope.Subject);
        Assert.Equal("Jürgen", ((MimeKit.MailboxAddress)envelope.From[0]).Name);
        Assert.Equal("j@example.org", ((MimeKit.MailboxAddress)envelope.Sender[0]).Address);
        var group = Assert.IsType<MimeKit.GroupAddress>(envelope.To[0]);
        Assert.Equal(2, group.Members.Count);
        Assert.Equal("carol@example.net", ((MimeKit.MailboxAddress)envelope.To[1]).Address);
        Assert.Equal("m1@example.org", envelope.MessageId);
        Assert.Equal(new DateTimeOffset(2024, 2, 6, 9, 30, 0, TimeSpan.Zero), envelope.Date);

        var body = fetched.BodyStructure!;
        Assert.True(body.IsMultipart);
        Assert.Equal(["", "1", "2", "2", "2.1", "2.2", "3"], body.Walk().Select(p => p.PartSpecifier));
        var pdf = body.Parts[2];
        Assert.Equal(("application", "pdf", "base64", "attachment", "r.pdf"), (pdf.MediaType, pdf.MediaSubtype, pdf.Encoding!.ToLowerInvariant(), pdf.Disposition!.ToLowerInvariant(), pdf.DispositionParameters["filename"]));
        Assert.Equal("inner", body.Parts[1].Envelope!.Subject);

        // Each specifier names what BODY[...] returns for it.
        var html = Assert.Single(await client.FetchAsync("1", "(BODY.PEEK[2.2])"));
        Assert.Equal("<b>a</b>"u8.ToArray(), html.Sections["BODY[2.2]"]);
        var message = await client.GetMessageAsync(1);
        Assert.Equal("Grüße", message!.Subject);
        Assert.Null(await client.GetMessageAsync(99));
    }
}
