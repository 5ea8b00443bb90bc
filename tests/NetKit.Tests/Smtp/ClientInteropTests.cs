using System.Text;
using MimeKit;
using NetKit.Smtp;
using NetKit.Tests.Smtp.ClientSupport;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Smtp;

/// <summary>Our SMTP client (library and `netkit smtp send`) against aiosmtpd and Postfix's smtp-sink, real peers nobody here wrote.</summary>
public class ClientInteropTests
{
    private const string SeedText = "Здравствуйте! Я изучаю курс по языку Python и\r\nотправляю письмо его автору.\r\n";

    static ClientInteropTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The seed's smtplib message, in Windows-1251 with an 8-bit body, as bytes.</summary>
    private static byte[] SeedMessage() => Encoding.GetEncoding(1251).GetBytes(
        "From: Student <student@mail.ru>\r\n" +
        "To: Lecturer <rnd@onego.ru>\r\n" +
        "Subject: From Python course student\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=Windows-1251\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        SeedText);

    private static SmtpClientOptions Options(SmtpSecurity security = SmtpSecurity.None) => new()
    {
        Security = security,
        AcceptAnyCertificate = true,
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task SendAsync_seedMessageToAiosmtpd_arrivesByteExactWith8BitMime()
    {
        await using var peer = await AiosmtpdPeer.StartAsync();
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", peer.Port);

        var result = await client.SendAsync(new SmtpEnvelope("student@mail.ru", "rnd@onego.ru"), SeedMessage());
        await client.QuitAsync();

        var (envelope, bytes) = await peer.MessageAsync(1);
        Assert.Equal("Ok: queued as 1", result.Reply.Text);
        Assert.Equal(SeedMessage(), bytes);
        Assert.Equal("student@mail.ru", envelope.GetProperty("mail_from").GetString());
        Assert.Contains("BODY=8BITMIME", envelope.GetProperty("mail_options").EnumerateArray().Select(o => o.GetString()));
        var parsed = MimeMessage.Load(new MemoryStream(bytes));
        Assert.Equal("From Python course student", parsed.Subject);
        Assert.Equal("windows-1251", parsed.Body!.ContentType.Charset, ignoreCase: true);
        Assert.Equal(SeedText.Replace("\r\n", "\n", StringComparison.Ordinal), parsed.TextBody);
    }

    [Fact]
    public async Task SendAsync_startTlsAuthAndSeveralMessagesOverOneConnection_arriveWithPartialRefusal()
    {
        await using var peer = await AiosmtpdPeer.StartAsync(auth: true, tls: true);
        await using var client = new SmtpClient(Options(SmtpSecurity.StartTls));
        await client.ConnectAsync("127.0.0.1", peer.Port);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(AiosmtpdPeer.User, AiosmtpdPeer.Password);

        var first = await client.SendAsync(new SmtpEnvelope("a@example.org", "b@example.org", "refuse-me@example.org"), SeedMessage());
        var second = await client.SendAsync(new SmtpEnvelope("a@example.org", "c@example.org"), Encoding.ASCII.GetBytes("Subject: two\r\n\r\n.leading dot\r\n"));
        await client.QuitAsync();

        Assert.Equal(["b@example.org"], first.Accepted.Select(r => r.Address));
        Assert.Equal(550, Assert.Single(first.Refused).Reply.Code);
        Assert.True(second.AllAccepted);
        var (envelope, bytes) = await peer.MessageAsync(1);
        Assert.Equal(SeedMessage(), bytes);
        Assert.Equal(AiosmtpdPeer.User, envelope.GetProperty("user").GetString());
        Assert.True(envelope.GetProperty("tls").GetBoolean());
        Assert.Equal(["b@example.org"], envelope.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()));
        var (_, two) = await peer.MessageAsync(2);
        Assert.Equal("Subject: two\r\n\r\n.leading dot\r\n", Encoding.ASCII.GetString(two));
    }

    [Fact]
    public async Task AuthenticateAsync_wrongPassword_isRefusedWith535AndTheConnectionStaysUsable()
    {
        await using var peer = await AiosmtpdPeer.StartAsync(auth: true, tls: true);
        await using var client = new SmtpClient(Options(SmtpSecurity.StartTls));
        await client.ConnectAsync("127.0.0.1", peer.Port);

        var ex = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync(AiosmtpdPeer.User, "wrong"));

        Assert.Equal(535, ex.Reply?.Code);
        await client.NoopAsync();
        await client.AuthenticateAsync(AiosmtpdPeer.User, AiosmtpdPeer.Password);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateAsync_loginMechanismInPlaintextOnLoopback_works()
    {
        await using var peer = await AiosmtpdPeer.StartAsync(auth: true, authWithoutTls: true);
        var trace = new StringWriter();
        await using var client = new SmtpClient(Options() with { Trace = new WireTrace(trace, TraceRole.Client) });
        await client.ConnectAsync("127.0.0.1", peer.Port);

        await client.AuthenticateAsync(AiosmtpdPeer.User, AiosmtpdPeer.Password, "LOGIN");
        await client.SendAsync(new SmtpEnvelope("a@example.org", "b@example.org"), Encoding.ASCII.GetBytes("Subject: x\r\n\r\nx\r\n"));

        var (envelope, _) = await peer.MessageAsync(1);
        Assert.Equal(AiosmtpdPeer.User, envelope.GetProperty("user").GetString());
        Assert.Contains("C: AUTH LOGIN", trace.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(AiosmtpdPeer.Password)), trace.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(AiosmtpdPeer.User)), trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_utf8AddressesAndHeaders_useSmtpUtf8()
    {
        await using var peer = await AiosmtpdPeer.StartAsync();
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", peer.Port);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Jörg", "jörg@example.org"));
        message.To.Add(new MailboxAddress("Влад", "влад@example.org"));
        message.Subject = "Привет";
        message.Body = new TextPart("plain") { Text = "Привет, мир" };

        await client.SendAsync(message);

        var (envelope, bytes) = await peer.MessageAsync(1);
        Assert.Contains("SMTPUTF8", envelope.GetProperty("mail_options").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("jörg@example.org", envelope.GetProperty("mail_from").GetString());
        Assert.Equal(["влад@example.org"], envelope.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()));
        var parsed = MimeMessage.Load(new MemoryStream(bytes));
        Assert.Equal("Привет", parsed.Subject);
        Assert.Equal("Привет, мир", parsed.TextBody!.TrimEnd());
    }

    [Fact]
    public async Task SmtpSend_cliSeedMessageToAiosmtpd_printsEachRecipientAndExitsOneWhenOneIsRefused()
    {
        await using var peer = await AiosmtpdPeer.StartAsync();

        var run = await NetkitCli.RunAsync(
            ["smtp", "send", "--server", $"127.0.0.1:{peer.Port}", "--from", "Student <student@mail.ru>", "--to", "Lecturer <rnd@onego.ru>",
             "--to", "refuse@onego.ru", "--subject", "From Python course student", "--charset", "windows-1251"],
            stdin: SeedText);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("accepted <rnd@onego.ru>: 250 2.1.5 OK", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("refused <refuse@onego.ru>: 550 5.1.1 no such user here", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("sent: 250 2.0.0 Ok: queued as 1", run.Stdout, StringComparison.Ordinal);
        var (envelope, bytes) = await peer.MessageAsync(1);
        Assert.Contains("BODY=8BITMIME", envelope.GetProperty("mail_options").EnumerateArray().Select(o => o.GetString()));
        var text = Encoding.Latin1.GetString(bytes);
        Assert.Contains("Content-Type: text/plain; charset=windows-1251\r\n", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Transfer-Encoding: 8bit\r\n", text, StringComparison.Ordinal);
        var parsed = MimeMessage.Load(new MemoryStream(bytes));
        Assert.Equal("From Python course student", parsed.Subject);
        Assert.Equal("Student", parsed.From.Mailboxes.Single().Name);
        Assert.Equal(SeedText.Replace("\r\n", "\n", StringComparison.Ordinal), parsed.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.True(bytes.AsSpan().IndexOf(Encoding.GetEncoding(1251).GetBytes("Здравствуйте!")) >= 0, "the body is not 8-bit Windows-1251");
    }

    [Fact]
    public async Task SmtpSend_cliStartTlsAuthAndTrace_allAcceptedExitsZeroAndHidesThePassword()
    {
        await using var peer = await AiosmtpdPeer.StartAsync(auth: true, tls: true);
        var body = Path.GetTempFileName();
        await File.WriteAllTextAsync(body, "plain body\n");
        try
        {
            var run = await NetkitCli.RunAsync(
                "smtp", "send", "--server", $"127.0.0.1:{peer.Port}", "--from", "a@example.org", "--to", "b@example.org", "--cc", "c@example.org",
                "--subject", "hello", "--body-file", body, "--attach", body, "--starttls", "-k", "--auth", $"{AiosmtpdPeer.User}:{AiosmtpdPeer.Password}", "--trace");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("accepted <c@example.org>", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("C: STARTTLS", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("C: AUTH PLAIN ********", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(AiosmtpdPeer.Password, run.Stderr, StringComparison.Ordinal);
            var (envelope, bytes) = await peer.MessageAsync(1);
            Assert.True(envelope.GetProperty("tls").GetBoolean());
            var parsed = MimeMessage.Load(new MemoryStream(bytes));
            Assert.Equal("plain body\n", parsed.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Equal(Path.GetFileName(body), Assert.Single(parsed.Attachments).ContentDisposition!.FileName);
        }
        finally
        {
            File.Delete(body);
        }
    }

    [Theory]
    [InlineData("--starttls", "--tls")]
    [InlineData("--auth", "nocolon")]
    [InlineData("--charset", "no-such-charset")]
    [InlineData("--to", "not an address")]
    [InlineData("--charset", "koi8-r")] // The body "日本" has no KOI8-R form.
    public async Task SmtpSend_cliUsageErrors_exitTwoWithOneLine(string option, string value)
    {
        string[] arguments = ["smtp", "send", "--server", "127.0.0.1:9", "--from", "a@x.org", "--to", "b@y.org", "--body", "日本", option, value];
        if (option == "--starttls")
        {
            arguments = [.. arguments[..^1], "--tls"];
        }

        var run = await NetkitCli.RunAsync(arguments);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.StderrLines);
    }

    [Fact]
    public async Task SmtpSend_cliWithoutRecipient_exitsTwoWithOneLine()
    {
        var run = await NetkitCli.RunAsync("smtp", "send", "--server", "127.0.0.1:9", "--from", "a@x.org", "--body", "x");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--to", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_toPostfixSmtpSink_pipelinesManyMessagesOverOneConnection()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", sink.Port);
        Assert.True(client.Capabilities.Pipelining);

        for (var i = 0; i < 20; i++)
        {
            var result = await client.SendAsync(
                new SmtpEnvelope($"sender{i}@example.org", "b@example.org", "c@example.org"),
                Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nmessage number {i}\r\n.dot line\r\n"));
            Assert.True(result.AllAccepted);
        }

        await client.QuitAsync();
        var dump = await sink.DumpAsync(expectedMessages: 20);
        for (var i = 0; i < 20; i++)
        {
            Assert.Contains($"X-Mail-Args: <sender{i}@example.org>\n", dump, StringComparison.Ordinal);
            Assert.Contains($"message number {i}\n.dot line\n", dump, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SendAsync_toSmtpSinkRefusingEveryRcpt_throwsAndResetsAndTheConnectionStaysUsable()
    {
        await using var sink = await SmtpSink.StartAsync("-f", "RCPT");
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", sink.Port);

        var ex = await Assert.ThrowsAsync<SmtpRecipientsRefusedException>(
            () => client.SendAsync(new SmtpEnvelope("a@example.org", "b@example.org"), Encoding.ASCII.GetBytes("Subject: x\r\n\r\nx\r\n")));

        Assert.Equal(5, ex.Code / 100);
        await client.NoopAsync();
        Assert.True(client.IsConnected);
    }
}
