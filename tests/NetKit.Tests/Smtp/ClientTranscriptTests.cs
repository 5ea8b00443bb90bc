using System.Text;
using MimeKit;
using NetKit.Smtp;
using NetKit.Tests.Smtp.ClientSupport;
using NetKit.Transport;

namespace NetKit.Tests.Smtp;

/// <summary>Our SMTP client against scripted fake servers on real loopback sockets, replies delivered whole and byte by byte.</summary>
public class ClientTranscriptTests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("From: a@x\r\nTo: b@y\r\nSubject: hi\r\n\r\nhello\r\n.dot line\r\n");
    private static readonly byte[] Stuffed = Encoding.ASCII.GetBytes("From: a@x\r\nTo: b@y\r\nSubject: hi\r\n\r\nhello\r\n..dot line\r\n");

    /// <summary>The greeting and the start of the EHLO reply that most transcripts share.</summary>
    private const string Hello = "S: 220 fake\nC: EHLO client.test\nS: 250-fake";
    private const string HelloPipelining = Hello + "\nS: 250 PIPELINING";

    private static SmtpClientOptions Plain(WireTrace? trace = null) => new()
    {
        ClientName = "client.test",
        Security = SmtpSecurity.None,
        CommandTimeout = TimeSpan.FromSeconds(10),
        Trace = trace,
    };

    private static async Task<SmtpClient> ConnectAsync(ScriptedSmtpServer server, SmtpClientOptions? options = null)
    {
        var client = new SmtpClient(options ?? Plain());
        await client.ConnectAsync("127.0.0.1", server.Port);
        return client;
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.ByteByByte)]
    public async Task SendAsync_pipelining_sendsMailRcptDataInOneGoAndReadsRepliesInOrder(Delivery delivery)
    {
        // The server answers nothing until DATA has come: a client that waited after MAIL would hang.
        await using var server = ScriptedSmtpServer.Start($"""
            S: 220 fake ESMTP
            C: EHLO client.test
            S: 250-fake greets client.test
            S: 250-PIPELINING
            S: 250-SIZE 1000
            S: 250 ENHANCEDSTATUSCODES
            C: MAIL FROM:<a@x> SIZE={Message.Length}
            C: RCPT TO:<b@y>
            C: RCPT TO:<c@y>
            C: DATA
            S: 250 2.1.0 sender ok
            S: 250 2.1.5 ok
            S: 550-5.1.1 no such user
            S: 550 5.1.1 try another
            S: 354 go ahead
            DOT
            S: 250 2.0.0 queued as ABC
            C: QUIT
            S: 221 2.0.0 bye
            CLOSED
            """, delivery);
        await using var client = await ConnectAsync(server);

        var result = await client.SendAsync(new SmtpEnvelope("a@x", "b@y", "c@y"), Message);

        Assert.Equal(250, result.Reply.Code);
        Assert.Equal("queued as ABC", result.Reply.Text);
        Assert.Equal(new EnhancedStatusCode(2, 0, 0), result.Reply.Status);
        Assert.Equal(["b@y"], result.Accepted.Select(r => r.Address));
        var refused = Assert.Single(result.Refused);
        Assert.Equal(("c@y", 550, "no such user try another"), (refused.Address, refused.Reply.Code, refused.Reply.Text));
        Assert.False(result.AllAccepted);
        Assert.Equal(Stuffed, server.Data.Single());
        Assert.Equal(1000, client.Capabilities.MaxSize);
        await client.QuitAsync();
        Assert.False(client.IsConnected);
        await server.FinishAsync();
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.ByteByByte)]
    public async Task SendAsync_noPipelining_waitsForEachReply(Delivery delivery)
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 8BITMIME
            C: MAIL FROM:<a@x>
            S: 250 ok
            C: RCPT TO:<b@y>
            S: 250 ok
            C: DATA
            S: 354 go ahead
            DOT
            S: 250 ok
            C: QUIT
            S: 221 bye
            """, delivery);
        await using var client = await ConnectAsync(server);

        var result = await client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message);

        Assert.True(result.AllAccepted);
        Assert.Equal(Stuffed, server.Data.Single());
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task ConnectAsync_ehloRefused_fallsBackToHeloWithoutExtensions()
    {
        await using var server = ScriptedSmtpServer.Start("""
            S: 220 old server
            C: EHLO client.test
            S: 502 5.5.1 command not implemented
            C: HELO client.test
            S: 250 old server
            C: MAIL FROM:<a@x>
            S: 250 ok
            C: RCPT TO:<b@y>
            S: 250 ok
            C: DATA
            S: 354 go ahead
            DOT
            S: 250 ok
            C: QUIT
            S: 221 bye
            """);
        await using var client = await ConnectAsync(server);

        Assert.Empty(client.Capabilities.Extensions);
        await client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message);
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_streams_sendWhatIsLeftOfThem()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 250 ok
            S: 250 ok
            S: 354 go ahead
            DOT
            S: 250 ok
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 250 ok
            S: 250 ok
            S: 354 go ahead
            DOT
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);
        using var seekable = new MemoryStream([.. "XYZ"u8.ToArray(), .. Message]) { Position = 3 };

        await client.SendAsync(new SmtpEnvelope("a@x", "b@y"), seekable);
        await client.SendAsync(new SmtpEnvelope("a@x", "b@y"), new Transport.ChunkedStream(Message, 5));

        Assert.Equal([Stuffed, Stuffed], server.Data);
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_messageOverServerSize_isRefusedBeforeMail()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 SIZE 10
            C: NOOP
            S: 250 ok
            C: QUIT
            S: 221 bye
            """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpMessageNotSupportedException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.Contains("at most 10", ex.Message, StringComparison.Ordinal);
        await client.NoopAsync(); // Nothing else was sent: the next line the server sees is NOOP.
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.ByteByByte)]
    public async Task SendAsync_everyRecipientRefused_throwsListingThemResetsAndStaysUsable(Delivery delivery)
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: RCPT TO:<c@y>
            C: DATA
            S: 250 ok
            S: 550 5.1.1 no b
            S: 450 4.2.1 c is busy
            S: 554 5.5.1 no valid recipients
            C: RSET
            S: 250 ok
            C: MAIL FROM:<a@x>
            C: RCPT TO:<d@y>
            C: DATA
            S: 250 ok
            S: 250 ok
            S: 354 go ahead
            DOT
            S: 250 ok
            C: QUIT
            S: 221 bye
            """, delivery);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpRecipientsRefusedException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y", "c@y"), Message));

        Assert.Equal([550, 450], ex.Recipients.Select(r => r.Reply.Code));
        Assert.Contains("<b@y>: 550 5.1.1 no b", ex.Message, StringComparison.Ordinal);
        Assert.Contains("<c@y>: 450 4.2.1 c is busy", ex.Message, StringComparison.Ordinal);
        Assert.True(client.IsConnected);
        var second = await client.SendAsync(new SmtpEnvelope("a@x", "d@y"), Message);
        Assert.True(second.AllAccepted);
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_pipelinedDataAcceptedThoughNoRecipient_endsItEmptyAndResets()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 250 ok
            S: 550 no b
            S: 354 go ahead anyway
            DOT
            S: 554 no valid recipients
            C: RSET
            S: 250 ok
            C: QUIT
            S: 221 bye
            """);
        await using var client = await ConnectAsync(server);

        await Assert.ThrowsAsync<SmtpRecipientsRefusedException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.Empty(server.Data.Single()); // Only the lone dot: the message itself went nowhere.
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_senderRefused_throwsWithTheReplyAndResets()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 553 5.7.1 sender rejected
            S: 503 5.5.1 need MAIL first
            S: 503 5.5.1 need MAIL first
            C: RSET
            S: 250 ok
            C: NOOP
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.Equal(553, ex.Code);
        Assert.Equal(new EnhancedStatusCode(5, 7, 1), ex.Status);
        Assert.Contains("sender <a@x>", ex.Message, StringComparison.Ordinal);
        await client.NoopAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_messageRefusedAfterData_resetsAndTheNextMessageGoes()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 250 ok
            S: 250 ok
            S: 354 go ahead
            DOT
            S: 554 5.6.0 content rejected
            C: RSET
            S: 250 ok
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 250 ok
            S: 250 ok
            S: 354 go ahead
            DOT
            S: 250 ok second
            """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));
        var second = await client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message);

        Assert.Equal(554, ex.Code);
        Assert.False(ex.IsTransient);
        Assert.Equal("ok second", second.Reply.Text);
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_chunking_sendsOneBdatLastWithTheBytesAsTheyAre()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250-PIPELINING
            S: 250 CHUNKING
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: BDAT {Message.Length} LAST
            S: 250 ok
            S: 250 ok
            S: 250 2.0.0 queued
            C: QUIT
            S: 221 bye
            """, Delivery.ByteByByte);
        await using var client = await ConnectAsync(server);

        var result = await client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message);

        Assert.Equal("queued", result.Reply.Text);
        Assert.Equal(Message, server.Data.Single()); // No dot-stuffing with BDAT.
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_dsnSmtpUtf8And8BitMime_areDeclaredOnMailAndRcpt()
    {
        var message = Encoding.UTF8.GetBytes("Subject: ü\r\n\r\nGrüße\r\n");
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250-SIZE
            S: 250-8BITMIME
            S: 250-SMTPUTF8
            S: 250 DSN
            C: MAIL FROM:<jörg@example.org> SIZE={message.Length} BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=id+3D1+202
            S: 250 ok
            C: RCPT TO:<b@y> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+2Bx@y
            S: 250 ok
            C: RCPT TO:<c@y> NOTIFY=NEVER
            S: 250 ok
            C: DATA
            S: 354 go ahead
            DOT
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);
        SmtpEnvelopeRecipient[] recipients =
        [
            new("b@y", SmtpDsnNotify.Success | SmtpDsnNotify.Failure, "b+x@y"),
            new("c@y", SmtpDsnNotify.Never),
        ];

        await client.SendAsync(new SmtpEnvelope("jörg@example.org", recipients, SmtpDsnReturn.Headers, "id=1 2"), message);

        Assert.Null(client.Capabilities.MaxSize);
        Assert.Equal(message, server.Data.Single());
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_eightBitOrUtf8WithoutTheExtensions_isRefusedAndNothingIsSent()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: NOOP
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);

        var body = await Assert.ThrowsAsync<SmtpMessageNotSupportedException>(
            () => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Encoding.UTF8.GetBytes("Subject: x\r\n\r\nGrüße\r\n")));
        var address = await Assert.ThrowsAsync<SmtpMessageNotSupportedException>(
            () => client.SendAsync(new SmtpEnvelope("a@x", "jörg@y"), Message));

        Assert.Contains("8BITMIME", body.Message, StringComparison.Ordinal);
        Assert.Contains("SMTPUTF8", address.Message, StringComparison.Ordinal);
        await client.NoopAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_mimeMessage_envelopeFromHeadersAndBccNotSent()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x.org>
            C: RCPT TO:<b@y.org>
            C: RCPT TO:<c@y.org>
            C: RCPT TO:<hidden@y.org>
            C: DATA
            S: 250 ok
            S: 250 ok
            S: 250 ok
            S: 250 ok
            S: 354 go ahead
            DOT
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("A <a@x.org>"));
        message.To.Add(MailboxAddress.Parse("b@y.org"));
        message.Cc.Add(MailboxAddress.Parse("c@y.org"));
        message.Bcc.Add(MailboxAddress.Parse("hidden@y.org"));
        message.Subject = "hi";
        message.Body = new TextPart("plain") { Text = "hello\n.\nbye" };

        var result = await client.SendAsync(message);

        Assert.Equal(3, result.Accepted.Count());
        var sent = Encoding.ASCII.GetString(server.Data.Single());
        Assert.DoesNotContain("hidden", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nhello\r\n..\r\nbye", sent, StringComparison.Ordinal);
        await server.FinishAsync();
    }

    [Fact]
    public async Task ConnectAsync_startTlsRequiredButNotOffered_refusesWithoutGoingOn()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 AUTH PLAIN
            CLOSED
            """);
        await using var client = new SmtpClient(Plain() with { Security = SmtpSecurity.StartTls });

        var ex = await Assert.ThrowsAsync<SmtpSecurityException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.Contains("STARTTLS", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        await server.FinishAsync();
    }

    [Fact]
    public async Task ConnectAsync_startTlsRequiredAndRefused_refuses()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 STARTTLS
            C: STARTTLS
            S: 454 4.7.0 TLS not available
            CLOSED
            """);
        await using var client = new SmtpClient(Plain() with { Security = SmtpSecurity.StartTls });

        await Assert.ThrowsAsync<SmtpSecurityException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.False(client.IsConnected);
        await server.FinishAsync();
    }

    [Fact]
    public async Task ConnectAsync_bytesAfterStartTls220_failsAsInjection()
    {
        // A man in the middle answers STARTTLS and adds a fake EHLO reply in the same packet (CVE-2011-0411).
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 go ahead
            S: 250-injected
            S: 250 AUTH PLAIN
            CLOSED
            """);
        await using var client = new SmtpClient(Plain() with { Security = SmtpSecurity.StartTlsWhenAvailable, AcceptAnyCertificate = true });

        var ex = await Assert.ThrowsAsync<SmtpProtocolException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.Contains("after its 220 reply to STARTTLS", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        await server.FinishAsync();
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.ByteByByte)]
    public async Task ConnectAsync_startTls_saysEhloAgainAndForgetsPlaintextCapabilities(Delivery delivery)
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250-SIZE 10
            S: 250-AUTH PLAIN
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 go ahead
            TLS
            C: EHLO client.test
            S: 250-fake
            S: 250 PIPELINING
            C: QUIT
            S: 221 bye
            """, delivery);
        await using var client = new SmtpClient(Plain() with { Security = SmtpSecurity.StartTls, AcceptAnyCertificate = true });

        await client.ConnectAsync("127.0.0.1", server.Port);

        Assert.True(client.IsSecure);
        Assert.True(client.Capabilities.Pipelining);
        Assert.False(client.Capabilities.Size);
        Assert.Empty(client.Capabilities.AuthenticationMechanisms);
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.ByteByByte)]
    public async Task ConnectAsync_implicitTlsWithAPinningCallback_speaksTlsFromTheFirstByte(Delivery delivery)
    {
        await using var server = ScriptedSmtpServer.Start("""
            TLS
            S: 220 fake over TLS
            C: EHLO client.test
            S: 250-fake
            S: 250 STARTTLS
            C: QUIT
            S: 221 bye
            """, delivery);
        var pinned = ScriptedSmtpServer.Certificate.Thumbprint;
        await using var client = new SmtpClient(Plain() with
        {
            Security = SmtpSecurity.ImplicitTls,
            CertificateValidation = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
        });

        await client.ConnectAsync("127.0.0.1", server.Port);

        Assert.True(client.IsSecure);
        Assert.Equal("fake over TLS", client.Greeting?.Text);
        await client.QuitAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task ConnectAsync_implicitTlsWithACallbackThatRefuses_fails()
    {
        await using var server = ScriptedSmtpServer.Start("""
            TLS
            S: 220 fake over TLS
            SILENT
            """);
        await using var client = new SmtpClient(Plain() with { Security = SmtpSecurity.ImplicitTls, CertificateValidation = (_, _, _, _) => false });

        await Assert.ThrowsAnyAsync<NetKitException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_selfSignedCertificateWithoutPermission_failsTheHandshake()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 go ahead
            TLS
            """);
        await using var client = new SmtpClient(Plain() with { Security = SmtpSecurity.StartTls });

        var ex = await Assert.ThrowsAnyAsync<NetKitException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.Contains("TLS handshake", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.ByteByByte)]
    public async Task AuthenticateAsync_login_traceHidesChallengesAndResponses(Delivery delivery)
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 AUTH LOGIN
            C: AUTH LOGIN
            S: 334 VXNlcm5hbWU6
            C: dXNlcg==
            S: 334 UGFzc3dvcmQ6
            C: c2VjcmV0
            S: 235 2.7.0 welcome
            C: QUIT
            S: 221 bye
            """, delivery);
        var trace = new StringWriter();
        await using var client = await ConnectAsync(server, Plain(new WireTrace(trace, TraceRole.Client)));

        await client.AuthenticateAsync("user", "secret");
        await client.QuitAsync();

        await server.FinishAsync();
        var text = trace.ToString();
        Assert.Contains("C: AUTH LOGIN", text, StringComparison.Ordinal);
        Assert.Contains("S: 334 ********", text, StringComparison.Ordinal);
        Assert.Contains("C: ********", text, StringComparison.Ordinal);
        Assert.Contains("S: 235 2.7.0 welcome", text, StringComparison.Ordinal);
        foreach (var secret in new[] { "dXNlcg", "c2VjcmV0", "VXNlcm5hbWU6", "UGFzc3dvcmQ6", "secret" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AuthenticateAsync_plainInitialResponse_isHiddenInTheTrace()
    {
        var initial = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0user\0secret"));
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 AUTH LOGIN PLAIN
            C: AUTH PLAIN {initial}
            S: 235 2.7.0 welcome
            """);
        var trace = new StringWriter();
        await using var client = await ConnectAsync(server, Plain(new WireTrace(trace, TraceRole.Client)));

        await client.AuthenticateAsync("user", "secret");

        Assert.True(client.IsAuthenticated);
        Assert.Contains("C: AUTH PLAIN ********", trace.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(initial, trace.ToString(), StringComparison.Ordinal);
        await server.FinishAsync();
    }

    [Fact]
    public async Task AuthenticateAsync_refused535_throwsWithTheReplyAndTheConnectionStaysUsable()
    {
        var initial = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0user\0wrong"));
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 AUTH PLAIN
            C: AUTH PLAIN {initial}
            S: 535 5.7.8 authentication failed
            C: NOOP
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync("user", "wrong"));

        Assert.Equal(535, ex.Reply?.Code);
        Assert.False(client.IsAuthenticated);
        await client.NoopAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task AuthenticateAsync_malformedChallenge_cancelsWithStar()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 AUTH CRAM-MD5
            C: AUTH CRAM-MD5
            S: 334 !!not base64!!
            C: *
            S: 501 5.7.0 cancelled
            C: NOOP
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync("user", "secret"));

        Assert.Equal(501, ex.Reply?.Code);
        await client.NoopAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task AuthenticateAsync_plainWithoutTlsNotAllowed_refusesBeforeSendingAnything()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 AUTH PLAIN LOGIN
            C: NOOP
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server, Plain() with { AllowPlaintextAuthenticationOnLoopback = false });

        await Assert.ThrowsAsync<SmtpSecurityException>(() => client.AuthenticateAsync("user", "secret"));

        await client.NoopAsync();
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_cancelled_closesTheConnectionAndSaysSo()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            SILENT
            """);
        await using var client = await ConnectAsync(server);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message, cancel.Token));

        Assert.Contains("connection was closed", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.NoopAsync());
    }

    [Fact]
    public async Task ConnectAsync_silentServer_timesOutClearly()
    {
        await using var server = ScriptedSmtpServer.Start("SILENT");
        await using var client = new SmtpClient(Plain() with { CommandTimeout = TimeSpan.FromMilliseconds(300) });

        var ex = await Assert.ThrowsAsync<SmtpTimeoutException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.Contains("the greeting", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<TimeoutException>(ex);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_greeting554_isACommandErrorAndNotConnected()
    {
        await using var server = ScriptedSmtpServer.Start("""
            S: 554 5.7.1 go away
            CLOSED
            """);
        await using var client = new SmtpClient(Plain());

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.Equal(554, ex.Code);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_notSmtp_isAProtocolError()
    {
        await using var server = ScriptedSmtpServer.Start("""
            S: SSH-2.0-OpenSSH_9.6
            CLOSED
            """);
        await using var client = new SmtpClient(Plain());

        await Assert.ThrowsAsync<SmtpProtocolException>(() => client.ConnectAsync("127.0.0.1", server.Port));

        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task SendAsync_serverClosesMidTransaction_isAProtocolErrorAndDisconnects()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            """);
        await using var client = await ConnectAsync(server);

        await Assert.ThrowsAsync<SmtpProtocolException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task SendAsync_serverClosingWith421_isACommandErrorAndDisconnects()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {HelloPipelining}
            C: MAIL FROM:<a@x>
            C: RCPT TO:<b@y>
            C: DATA
            S: 421 4.3.2 shutting down
            """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.Equal(421, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task VerifyAndExpand_answersAreReturnedAndRefusalsThrow()
    {
        await using var server = ScriptedSmtpServer.Start("""
            S: 220 fake
            C: EHLO client.test
            S: 250 fake
            C: VRFY bob
            S: 252 2.1.5 cannot verify, will try
            C: EXPN staff
            S: 250-2.1.5 Ann <ann@x>
            S: 250 2.1.5 Bob <bob@x>
            C: VRFY nobody
            S: 550 5.1.1 no such user
            C: NOOP
            S: 250 ok
            """);
        await using var client = await ConnectAsync(server);

        var verified = await client.VerifyAsync("bob");
        var members = await client.ExpandAsync("staff");
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.VerifyAsync("nobody"));

        Assert.Equal(252, verified.Code);
        Assert.Equal(["Ann <ann@x>", "Bob <bob@x>"], members);
        Assert.Equal(550, refused.Code);
        await Assert.ThrowsAsync<ArgumentException>(() => client.VerifyAsync("bob\r\nRSET"));
        await client.NoopAsync();
        await server.FinishAsync();
    }

    [Theory]
    [InlineData("b@y>\r\nRCPT TO:<evil@z")]
    [InlineData("b@y\nDATA")]
    [InlineData("b y@z")]
    [InlineData("no-at-sign")]
    [InlineData("@example.org")]
    [InlineData("\"a b\"@c d")]
    public void SmtpEnvelope_addressThatCouldInjectACommand_isRefused(string address) =>
        Assert.Throws<ArgumentException>(() => new SmtpEnvelope("a@x", address));

    [Theory]
    [InlineData("\"john doe\"@example.org")]
    [InlineData("jörg@例え.jp")]
    [InlineData("a+tag@[192.0.2.1]")]
    public void SmtpEnvelope_unusualButValidAddress_isTaken(string address) =>
        Assert.Equal(address, new SmtpEnvelope(address, address).Recipients[0].Address);

    [Fact]
    public void SmtpClient_clientNameThatIsNotADomain_isRefused() =>
        Assert.Throws<ArgumentException>(() => new SmtpClient(new SmtpClientOptions { ClientName = "bad name\r\nMAIL" }));
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_dataAnsweredWith250_isAProtocolErrorAndNothingIsSent(bool pipelining)
    {
        // 250 to DATA would "end" a transaction whose message was never sent: not a success.
        await using var server = ScriptedSmtpServer.Start(pipelining
            ? $"""
              {HelloPipelining}
              C: MAIL FROM:<a@x>
              C: RCPT TO:<b@y>
              C: DATA
              S: 250 ok
              S: 250 ok
              S: 250 ok, I say so
              CLOSED
              """
            : $"""
              {Hello}
              S: 250 8BITMIME
              C: MAIL FROM:<a@x>
              S: 250 ok
              C: RCPT TO:<b@y>
              S: 250 ok
              C: DATA
              S: 250 ok, I say so
              CLOSED
              """);
        await using var client = await ConnectAsync(server);

        var ex = await Assert.ThrowsAsync<SmtpProtocolException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.Contains("354", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        Assert.Empty(server.Data);
        await server.FinishAsync();
    }

    [Fact]
    public async Task SendAsync_bdatAnsweredWith354_isAProtocolError()
    {
        await using var server = ScriptedSmtpServer.Start($"""
            {Hello}
            S: 250 CHUNKING
            C: MAIL FROM:<a@x>
            S: 250 ok
            C: RCPT TO:<b@y>
            S: 250 ok
            C: BDAT {Message.Length} LAST
            S: 354 go ahead
            CLOSED
            """);
        await using var client = await ConnectAsync(server);

        await Assert.ThrowsAsync<SmtpProtocolException>(() => client.SendAsync(new SmtpEnvelope("a@x", "b@y"), Message));

        Assert.False(client.IsConnected);
    }
}
