using System.Text;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Tests.Mail;

namespace NetKit.Tests.Imap;

public sealed class ImapSessionTests
{
    private static readonly byte[] Multipart = Encoding.ASCII.GetBytes(
        "From: \"Ann Example\" <ann@example.org>\r\nTo: bob@localhost, carol@example.net\r\nSubject: Report\r\n" +
        "Date: Mon, 5 Feb 2024 10:00:00 +0100\r\nMessage-ID: <r1@example.org>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=XX\r\n\r\npreamble\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\nworld\r\n" +
        "--XX\r\nContent-Type: application/octet-stream; name=a.bin\r\nContent-Disposition: attachment; filename=a.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--XX--\r\n");

    [Fact]
    public async Task Greeting_capability_logout()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.ConnectAsync();
        var capability = await client.CommandAsync("a1 CAPABILITY");
        Assert.Contains("IMAP4rev1", capability[0], StringComparison.Ordinal);
        Assert.Contains("AUTH=PLAIN", capability[0], StringComparison.Ordinal);
        Assert.Equal("a1 OK CAPABILITY completed", capability[^1]);
        var logout = await client.CommandAsync("a2 LOGOUT");
        Assert.StartsWith("* BYE", logout[0], StringComparison.Ordinal);
        Assert.Equal("", await client.Raw.ReadToEndAsync());
    }

    [Fact]
    public async Task Login_refusedWithoutTls_unlessLoopbackAllowed()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { AuthFailureDelay = TimeSpan.Zero });
        using var client = await harness.ConnectAsync();
        Assert.Contains("LOGINDISABLED", (await client.CommandAsync("a1 CAPABILITY"))[0], StringComparison.Ordinal);
        Assert.StartsWith("a2 NO [PRIVACYREQUIRED]", (await client.CommandAsync($"a2 LOGIN bob \"{ImapServerHarness.Password}\""))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_wrongPassword_no_thenBye()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.ConnectAsync();
        Assert.StartsWith("a1 NO [AUTHENTICATIONFAILED]", (await client.CommandAsync("a1 LOGIN bob wrong"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("a2 NO", (await client.CommandAsync("a2 LOGIN nobody wrong"))[^1], StringComparison.Ordinal);
        var third = await client.CommandAsync("a3 LOGIN bob wrong");
        Assert.Equal("* BYE too many failed logins", third[0]);
    }

    [Fact]
    public async Task AuthenticatePlain_withInitialResponse_andContinuation()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.ConnectAsync();
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0bob\0{ImapServerHarness.Password}"));
        Assert.StartsWith("a1 OK [CAPABILITY", (await client.CommandAsync($"a1 AUTHENTICATE PLAIN {token}"))[^1], StringComparison.Ordinal);

        using var second = await harness.ConnectAsync();
        await second.Raw.SendAsync("b1 AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await second.ReadLineAsync());
        await second.Raw.SendAsync(token + "\r\n");
        Assert.StartsWith("b1 OK", (await second.ReadUntilTaggedAsync("b1"))[^1], StringComparison.Ordinal);

        using var third = await harness.ConnectAsync();
        await third.Raw.SendAsync("c1 AUTHENTICATE PLAIN\r\n");
        await third.ReadLineAsync();
        await third.Raw.SendAsync("*\r\n");
        Assert.StartsWith("c1 BAD", (await third.ReadUntilTaggedAsync("c1"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("c2 BAD", (await third.CommandAsync("c2 SELECT INBOX"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstLogin_createsSpecialUseMailboxes_listedWithAttributes()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.LoginAsync();
        var list = await client.CommandAsync("a1 LIST \"\" \"*\"");
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" INBOX", list);
        Assert.Contains("* LIST (\\HasNoChildren \\Sent) \"/\" Sent", list);
        Assert.Contains("* LIST (\\HasNoChildren \\Trash) \"/\" Trash", list);
        var lsub = await client.CommandAsync("a2 LSUB \"\" \"%\"");
        Assert.Equal(7, lsub.Count);
        var special = await client.CommandAsync("a3 LIST (SPECIAL-USE) \"\" \"*\"");
        Assert.Equal(6, special.Count);
    }

    [Fact]
    public async Task Select_reportsCountsAndUids_andFetchReturnsExactBytes()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(Multipart);
        await harness.DeliverAsync(TempMailStore.Message("second"));
        using var client = await harness.LoginAsync();
        var select = await client.CommandAsync("a1 SELECT INBOX");
        Assert.Contains("* 2 EXISTS", select);
        Assert.Contains("* 2 RECENT", select);
        Assert.Contains(select, l => l.StartsWith("* OK [UIDVALIDITY ", StringComparison.Ordinal));
        Assert.Contains("* OK [UIDNEXT 3] predicted next UID", select);
        Assert.Equal("a1 OK [READ-WRITE] SELECT completed", select[^1]);

        await client.Raw.SendAsync("a2 FETCH 1 (UID RFC822.SIZE BODY.PEEK[])\r\n");
        var header = await client.ReadLineAsync();
        Assert.Equal($"* 1 FETCH (UID 1 RFC822.SIZE {Multipart.Length} BODY[] {{{Multipart.Length}}}", header);
        var body = new byte[Multipart.Length];
        var text = new StringBuilder();
        while (text.Length < Multipart.Length)
        {
            text.Append(await client.Raw.ReadLineAsync());
        }

        Assert.Equal(Encoding.ASCII.GetString(Multipart), text.ToString()[..Multipart.Length]);
        Assert.Equal("a2 OK FETCH completed", (await client.ReadUntilTaggedAsync("a2"))[^1]);
        var flags = await client.CommandAsync("a3 FETCH 1 FLAGS");
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", flags[0]); // PEEK did not set \Seen
    }

    [Fact]
    public async Task Fetch_sectionsPartialsEnvelopeAndStructure()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(Multipart);
        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        var part = await client.CommandAsync("a2 FETCH 1 (BODY[1] BODY[2.MIME] BODY[1]<2.3> BODY[HEADER.FIELDS (Subject)])");
        Assert.Equal("* 1 FETCH (BODY[1] {12}", part[0]);
        Assert.Equal("hello", part[1]);
        Assert.Equal("world BODY[2.MIME] {138}", part[2]);
        Assert.Contains("llo BODY[HEADER.FIELDS (Subject)] {19}", part, StringComparer.Ordinal);
        Assert.Contains("Subject: Report", part);
        Assert.Contains(" FLAGS (\\Seen \\Recent))", part); // BODY[] set \Seen and says so
        var envelope = await client.CommandAsync("a3 FETCH 1 (ENVELOPE BODYSTRUCTURE)");
        Assert.Equal(
            "* 1 FETCH (ENVELOPE (\"Mon, 5 Feb 2024 10:00:00 +0100\" \"Report\" ((\"Ann Example\" NIL \"ann\" \"example.org\")) ((\"Ann Example\" NIL \"ann\" \"example.org\")) ((\"Ann Example\" NIL \"ann\" \"example.org\")) ((NIL NIL \"bob\" \"localhost\")(NIL NIL \"carol\" \"example.net\")) NIL NIL NIL \"<r1@example.org>\") " +
            "BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 12 2 NIL NIL NIL NIL)(\"application\" \"octet-stream\" (\"name\" \"a.bin\") NIL NIL \"BASE64\" 4 NIL (\"ATTACHMENT\" (\"filename\" \"a.bin\")) NIL NIL) \"mixed\" (\"boundary\" \"XX\") NIL NIL NIL))",
            envelope[0]);
    }

    [Fact]
    public async Task Store_search_copy_expunge()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(Multipart);
        for (var i = 0; i < 3; i++)
        {
            await harness.DeliverAsync(TempMailStore.Message($"note {i}", $"body number {i}"));
        }

        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        Assert.Equal("* 2 FETCH (FLAGS (\\Deleted \\Recent))", (await client.CommandAsync("a2 STORE 2 +FLAGS (\\Deleted)"))[0]);
        Assert.Equal("* 3 FETCH (UID 3 FLAGS (\\Flagged \\Recent))", (await client.CommandAsync("a3 UID STORE 3 FLAGS (\\Flagged)"))[0]);
        Assert.Equal("a4 OK STORE completed", (await client.CommandAsync("a4 STORE 4 +FLAGS.SILENT ($Work)"))[0]);
        Assert.Equal("* SEARCH 2", (await client.CommandAsync("a5 SEARCH DELETED"))[0]);
        Assert.Equal("* SEARCH 1 3 4", (await client.CommandAsync("a6 SEARCH UNDELETED"))[0]);
        Assert.Equal("* SEARCH 1", (await client.CommandAsync("a7 SEARCH CHARSET UTF-8 FROM \"ann example\""))[0]);
        Assert.Equal("* SEARCH 3", (await client.CommandAsync("a8 SEARCH OR FLAGGED BODY \"number 9\""))[0]);
        Assert.Equal("* SEARCH 4", (await client.CommandAsync("a9 UID SEARCH KEYWORD $Work"))[0]);
        Assert.Equal("* SEARCH 1", (await client.CommandAsync("b1 SEARCH SENTON 5-Feb-2024 LARGER 100"))[0]);
        Assert.StartsWith("b2 NO [BADCHARSET", (await client.CommandAsync("b2 SEARCH CHARSET KOI8-R ALL"))[^1], StringComparison.Ordinal);

        var copy = await client.CommandAsync("b3 COPY 3:4 Archive");
        Assert.Matches(@"^b3 OK \[COPYUID \d+ 3:4 1:2\] COPY completed$", copy[^1]);
        Assert.StartsWith("b4 NO [TRYCREATE]", (await client.CommandAsync("b4 COPY 1 Nowhere"))[^1], StringComparison.Ordinal);

        var expunge = await client.CommandAsync("b5 EXPUNGE");
        Assert.Equal(["* 2 EXPUNGE", "b5 OK EXPUNGE completed"], expunge);
        Assert.Equal("* SEARCH 2", (await client.CommandAsync("b6 SEARCH FLAGGED"))[0]);
        var status = await client.CommandAsync("b7 STATUS Archive (MESSAGES UIDNEXT UNSEEN)");
        Assert.Equal("* STATUS Archive (MESSAGES 2 UIDNEXT 3 UNSEEN 2)", status[0]);
    }

    [Fact]
    public async Task Move_sendsCopyUidThenExpunge()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(TempMailStore.Message("one"));
        await harness.DeliverAsync(TempMailStore.Message("two"));
        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        var move = await client.CommandAsync("a2 UID MOVE 1 Trash");
        Assert.Matches(@"^\* OK \[COPYUID \d+ 1 1\] moved$", move[0]);
        Assert.Equal("* 1 EXPUNGE", move[1]);
        Assert.Equal("a2 OK MOVE completed", move[2]);
        Assert.Equal("* 1 FETCH (UID 2)", (await client.CommandAsync("a3 FETCH 1 UID"))[0]);
    }

    [Fact]
    public async Task Append_withLiteral_flagsAndDate_appendUid()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.LoginAsync();
        var message = "Subject: appended\r\n\r\nhi\r\n";
        await client.Raw.SendAsync($"a1 APPEND Drafts (\\Draft \\Seen) \" 7-Feb-1994 21:52:25 -0800\" {{{message.Length}}}\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.Raw.SendAsync(message + "\r\n");
        Assert.Matches(@"^a1 OK \[APPENDUID \d+ 1\] APPEND completed$", (await client.ReadUntilTaggedAsync("a1"))[^1]);
        Assert.StartsWith("a2 OK", (await client.CommandAsync($"a2 APPEND Drafts {{{message.Length}+}}\r\n{message}"))[^1], StringComparison.Ordinal);
        await client.CommandAsync("a3 EXAMINE Drafts");
        var fetch = await client.CommandAsync("a4 FETCH 1 (FLAGS INTERNALDATE)");
        Assert.Equal("* 1 FETCH (FLAGS (\\Draft \\Seen \\Recent) INTERNALDATE \"08-Feb-1994 05:52:25 +0000\")", fetch[0]); // the same instant; the store keeps UTC
        Assert.StartsWith("a5 NO [TRYCREATE]", (await client.CommandAsync($"a5 APPEND Nope {{{message.Length}+}}\r\n{message}"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("a6 NO [READ-ONLY]", (await client.CommandAsync("a6 STORE 1 +FLAGS (\\Deleted)"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mailboxes_createRenameDeleteSubscribe_withModifiedUtf7()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.LoginAsync();
        Assert.Equal("a1 OK CREATE completed", (await client.CommandAsync("a1 CREATE Projekte/Entw&APw-rfe"))[^1]);
        Assert.Contains(await harness.Store.ListMailboxesAsync("bob"), m => m.Name == "Projekte/Entwürfe");
        Assert.StartsWith("a2 NO [ALREADYEXISTS]", (await client.CommandAsync("a2 CREATE Projekte"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("a3 BAD", (await client.CommandAsync("a3 CREATE &AGE-"))[^1], StringComparison.Ordinal);
        var list = await client.CommandAsync("a4 LIST Projekte/ %");
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" Projekte/Entw&APw-rfe", "a4 OK LIST completed"], list);
        Assert.Contains("* LIST (\\HasChildren) \"/\" Projekte", await client.CommandAsync("a5 LIST \"\" %"));
        Assert.Equal("a6 OK RENAME completed", (await client.CommandAsync("a6 RENAME Projekte Work"))[^1]);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" Work/Entw&APw-rfe", await client.CommandAsync("a7 LIST \"\" *"));
        Assert.Equal("a8 OK SUBSCRIBE completed", (await client.CommandAsync("a8 SUBSCRIBE Work"))[^1]);
        Assert.Contains("* LSUB () \"/\" Work", await client.CommandAsync("a9 LSUB \"\" *"));
        Assert.Equal("b1 OK DELETE completed", (await client.CommandAsync("b1 DELETE Work/Entw&APw-rfe"))[^1]);
        Assert.StartsWith("b2 NO [NONEXISTENT]", (await client.CommandAsync("b2 DELETE Work/Entw&APw-rfe"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("b3 NO", (await client.CommandAsync("b3 DELETE INBOX"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("b4 NO [NONEXISTENT]", (await client.CommandAsync("b4 SELECT Nowhere"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_wakesIdle_andOtherSessionSeesExpunge()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(TempMailStore.Message("first"));
        using var idler = await harness.LoginAsync();
        using var other = await harness.LoginAsync();
        await idler.CommandAsync("a1 SELECT INBOX");
        await other.CommandAsync("b1 SELECT INBOX");
        await idler.Raw.SendAsync("a2 IDLE\r\n");
        Assert.Equal("+ idling", await idler.ReadLineAsync());

        await harness.DeliverAsync(TempMailStore.Message("second"));
        Assert.Equal("* 2 EXISTS", await idler.ReadLineAsync());
        Assert.Equal("* 2 RECENT", await idler.ReadLineAsync()); // the first came with the SELECT; another session saw neither first

        await other.CommandAsync("b2 STORE 1 +FLAGS (\\Deleted)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))", await idler.ReadLineAsync());
        await other.CommandAsync("b3 EXPUNGE");
        Assert.Equal("* 1 EXPUNGE", await idler.ReadLineAsync());
        await idler.Raw.SendAsync("DONE\r\n");
        Assert.Equal("a2 OK IDLE terminated", await idler.ReadLineAsync());
        Assert.Equal("* 1 FETCH (UID 2)", (await idler.CommandAsync("a3 FETCH 1 UID"))[0]);
    }

    [Fact]
    public async Task FetchBySequence_holdsBackExpunge_untilNoop()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(TempMailStore.Message("one"));
        await harness.DeliverAsync(TempMailStore.Message("two"));
        using var client = await harness.LoginAsync();
        using var other = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        await other.CommandAsync("b1 SELECT INBOX");
        await other.CommandAsync("b2 STORE 1 +FLAGS.SILENT (\\Deleted)");
        await other.CommandAsync("b3 EXPUNGE");
        var fetch = await client.CommandAsync("a2 FETCH 2 UID");
        Assert.DoesNotContain(fetch, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        Assert.Contains("* 2 FETCH (UID 2)", fetch);
        var noop = await client.CommandAsync("a3 NOOP");
        Assert.Contains("* 1 EXPUNGE", noop);
    }

    [Theory]
    [InlineData("a1 FETCH 0 FLAGS", "a1 BAD")]
    [InlineData("a1 FETCH *:1 FLAGS", "a1 OK")]
    [InlineData("a1 FETCH 1:4294967295 FLAGS", "a1 BAD")]
    [InlineData("a1 UID FETCH 1:4294967295 FLAGS", "a1 OK")]
    [InlineData("a1 FETCH 1 (FLAGS", "a1 BAD")]
    [InlineData("a1 FETCH 1 BODY[1.FOO]", "a1 BAD")]
    [InlineData("a1 SEARCH ((((SEEN", "a1 BAD")]
    [InlineData("a1 STORE 1 +FLAGS (\\Bogus)", "a1 BAD")]
    [InlineData("a1 FROB", "a1 BAD")]
    [InlineData("a1 UID LOGOUT", "a1 BAD")]
    [InlineData("a1 LOGIN bob x", "a1 BAD")]
    [InlineData("a1 SELECT", "a1 BAD")]
    [InlineData("a1 NOOP extra", "a1 BAD")]
    [InlineData("", "* BAD")]
    [InlineData("a1 UNSUBSCRIBE \"\"", "a1 BAD")]
    [InlineData("a1 RENAME \"\" x", "a1 BAD")]
    [InlineData("a1 DELETE \"\"", "a1 NO")]
    [InlineData("a1 SUBSCRIBE \"\"", "a1 NO")]
    [InlineData("a1 STATUS \"\" (MESSAGES)", "a1 NO")]
    [InlineData("a1 APPEND \"\" {1+}\r\nx", "a1 NO")]
    [InlineData("a1 LIST \"\" &-", "a1 OK")]
    [InlineData("a1 COPY 1 \"\"", "a1 NO")]
    [InlineData("a1", "a1 BAD")]
    public async Task BadInput_getsBad_andSessionGoesOn(string command, string expected)
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(TempMailStore.Message("one"));
        using var client = await harness.LoginAsync();
        await client.CommandAsync("s1 SELECT INBOX");
        await client.Raw.SendAsync(command + "\r\n");
        var reply = await client.ReadUntilTaggedAsync(expected.Split(' ')[0]);
        Assert.StartsWith(expected, reply[^1], StringComparison.Ordinal);
        Assert.Equal("z1 OK NOOP completed", (await client.CommandAsync("z1 NOOP"))[^1]);
    }

    [Fact]
    public async Task WrongState_isBad()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using var client = await harness.ConnectAsync();
        Assert.StartsWith("a1 BAD", (await client.CommandAsync("a1 SELECT INBOX"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("a2 BAD", (await client.CommandAsync("a2 FETCH 1 FLAGS"))[^1], StringComparison.Ordinal);
        using var logged = await harness.LoginAsync();
        Assert.StartsWith("b1 BAD", (await logged.CommandAsync("b1 FETCH 1 FLAGS"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("b2 BAD", (await logged.CommandAsync($"b2 LOGIN bob x"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_oversizedLiteral_longLine_andThousandPipelinedCommands()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions
        {
            AllowPlaintextAuth = true,
            Limits = new NetKit.Imap.ImapLimits { MaxLiteralSize = 1000, MaxLineLength = 2000 },
        });
        using var client = await harness.LoginAsync();
        Assert.Equal("a1 BAD [TOOBIG] literal larger than 1000 bytes", (await client.CommandAsync("a1 APPEND INBOX {5000}"))[^1]);
        Assert.StartsWith("a2 BAD [TOOBIG]", (await client.CommandAsync("a2 APPEND INBOX {1500+}\r\n" + new string('x', 1500)))[^1], StringComparison.Ordinal);
        // The line was dropped unread, tag and all: the BAD is untagged, and the session goes on.
        await client.Raw.SendAsync("a3 NOOP " + new string('y', 3000) + "\r\n");
        Assert.Equal("* BAD [TOOBIG] command line longer than 2000 bytes", await client.ReadLineAsync());

        var pipelined = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            pipelined.Append("p").Append(i).Append(" NOOP\r\n");
        }

        await client.Raw.SendAsync(pipelined.ToString());
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal($"p{i} OK NOOP completed", await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task ClientVanishingMidLiteral_leavesServerServing()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        using (var client = await harness.LoginAsync())
        {
            await client.Raw.SendAsync("a1 APPEND INBOX {100+}\r\nonly part");
            client.Raw.Reset();
        }

        using var next = await harness.LoginAsync();
        Assert.Equal("b1 OK NOOP completed", (await next.CommandAsync("b1 NOOP"))[^1]);
        Assert.Empty(await harness.Store.ListEntriesAsync("bob", MailStore.Inbox));
    }

    [Fact]
    public async Task StartTls_upgrades_andDiscardsInjectedCommands()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { Certificate = ImapServerHarness.Certificate });
        using var client = await harness.ConnectAsync();
        Assert.Contains("STARTTLS", (await client.CommandAsync("a1 CAPABILITY"))[0], StringComparison.Ordinal);
        // The injected NOOP must never be answered (it came in plaintext after STARTTLS).
        await client.Raw.SendAsync("a2 STARTTLS\r\na3 NOOP\r\n");
        Assert.Equal("a2 OK Begin TLS negotiation now", await client.ReadLineAsync());
    }
}
