using System.Text;
using NetKit.Smtp;
using NetKit.Smtp.Server;
using NetKit.Tests.Mail;
using NetKit.Tests.Smtp.Server;
using NetKit.Tests.Support;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>Our SMTP server (local domain "localhost", user alice, AUTH and STARTTLS) under hostile clients.</summary>
public sealed class SmtpHostileServer : IHostileServer, IAsyncLifetime
{
    public const string Password = "secret";
    private readonly List<string> _acknowledged = [];
    private TempMailStore _users = null!;
    private SmtpServerHarness _server = null!;

    public InMemorySmtpMessageStore Store { get; } = new(["alice"]);

    public string Probe => "NOOP\r\n";

    public string ProbeReply => "250 2.0.0 Ok";

    public async Task InitializeAsync()
    {
        _users = TempMailStore.Create();
        await _users.Store.AddUserAsync("alice", Password);
        _server = SmtpServerHarness.Start(new SmtpServerOptions
        {
            Users = _users.Store,
            AllowPlaintextAuth = true,
            Certificate = SmtpServerHarness.Certificate,
            AuthFailureDelay = TimeSpan.FromMilliseconds(10),
            MaxMessageSize = 64 * 1024,
            CommandTimeout = TimeSpan.FromSeconds(2),
        }, Store);
    }

    public async Task<RawLineClient> ConnectAsync()
    {
        var client = await RawLineClient.ConnectAsync(_server.Port);
        HostileRunner.AssertLine("220 localhost ESMTP NetKit", (await client.ReadLineAsync()).TrimEnd());
        return client;
    }

    /// <summary>Our client sends a message (over STARTTLS, as it prefers); every message acknowledged so far is in the store.</summary>
    public async Task NormalClientAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        await using (var client = new SmtpClient(new SmtpClientOptions { AcceptAnyCertificate = true, CommandTimeout = TimeSpan.FromSeconds(10) }))
        {
            await client.ConnectAsync("127.0.0.1", _server.Port);
            await client.SendAsync(new SmtpEnvelope("carol@example.org", "alice@localhost"), Encoding.ASCII.GetBytes($"Subject: normal {id}\r\n\r\nStill serving.\r\n"));
            await client.QuitAsync();
        }

        _acknowledged.Add(id);
        var stored = Store.Messages.Select(m => Encoding.ASCII.GetString(m.Data.Span)).ToList();
        Assert.All(_acknowledged, ack => Assert.Contains(stored, text => text.Contains(ack, StringComparison.Ordinal)));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _users.DisposeAsync();
    }
}

public sealed class SmtpHostileTests(SmtpHostileServer server)
    : HostileTests<SmtpHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<SmtpHostileServer>
{
    private static readonly HostileStep Helo = Say("HELO client.example\r\n", "250 localhost");
    private static readonly HostileStep Mail = Say("MAIL FROM:<carol@example.org>\r\n", "250 2.1.0 Ok");
    private static readonly HostileStep Rcpt = Say("RCPT TO:<alice@localhost>\r\n", "250 2.1.5 Ok");
    private static readonly HostileStep Data = Say("DATA\r\n", "354 2.0.0 End data with <CR><LF>.<CR><LF>");
    private static readonly HostileStep Ehlo = Say("EHLO client.example\r\n", "250-localhost", "250-PIPELINING", "250-SIZE 65536", "250-8BITMIME", "250-SMTPUTF8", "250-ENHANCEDSTATUSCODES", "250-CHUNKING", "250-BINARYMIME", "250-DSN", "250-STARTTLS", "250-AUTH *", "250 HELP");

    private const string TooLong = "500 5.5.2 Line too long";
    private const string NotUtf8 = "500 5.5.2 Commands must be UTF-8";
    private const string Nul = "500 5.5.2 NUL characters are not allowed in commands";
    private const string AuthFailed = "535 5.7.8 Authentication credentials invalid";

    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("overlong NOOP argument", Say("NOOP " + new string('x', 3000) + "\r\n", TooLong))
        .Open("overlong line with no end, then a real command", Say(new string('A', 10_000) + "\r\nNOOP\r\n", TooLong, "250 2.0.0 Ok"))
        .Open("overlong reverse path (RFC 5321 4.5.3.1.10: 501)", Helo, Say("MAIL FROM:<" + new string('a', 300) + "@example.org>\r\n", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]"))
        .Open("overlong domain in recipient", Helo, Mail, Say("RCPT TO:<alice@" + new string('d', 300) + ".example>\r\n", "501 5.5.4 Syntax: RCPT TO:<address> [parameters]"))
        .Open("NUL in HELO argument", Say("HELO a\0b\r\n", Nul))
        .Open("NUL in recipient", Helo, Mail, Say("RCPT TO:<alice\0@localhost>\r\n", Nul))
        .Open("bare CR inside a command", Say("NO\rOP\r\n", "500 5.5.1 Command not recognized"))
        .Open("bare LF ends a command", Say("NOOP\n", "250 2.0.0 Ok"))
        .Open("invalid UTF-8 in HELO", Say("HELO \u00ff\u00fe.example\r\n", NotUtf8))
        .Open("overlong UTF-8 encoding of a dot", Helo, Say("MAIL FROM:<a\u00c0\u00aeb@example.org>\r\n", NotUtf8))
        .Open("UTF-8 encoded surrogate in recipient", Helo, Mail, Say("RCPT TO:<\u00ed\u00a0\u0080@localhost>\r\n", NotUtf8))
        .Open("MAIL before HELO", Say("MAIL FROM:<carol@example.org>\r\n", "503 5.5.1 Send EHLO or HELO first"))
        .Open("RCPT before MAIL", Helo, Say("RCPT TO:<alice@localhost>\r\n", "503 5.5.1 Need MAIL command"))
        .Open("DATA before any recipient", Helo, Mail, Say("DATA\r\n", "554 5.5.1 No valid recipients"))
        .Open("nested MAIL", Helo, Mail, Say("MAIL FROM:<mallory@example.org>\r\n", "503 5.5.1 Nested MAIL command"))
        .Open("BDAT with a size that is not a number", Helo, Mail, Rcpt, Say("BDAT lots LAST\r\n", "501 5.5.4 Syntax: BDAT size [LAST]"))
        .Open("STARTTLS with an argument", Helo, Say("STARTTLS now\r\n", "501 5.5.4 This command takes no argument"))
        .Open("STARTTLS inside a mail transaction", Helo, Mail, Say("STARTTLS\r\n", "503 5.5.1 Not allowed during a mail transaction"))
        .Open("MAIL injected behind STARTTLS is not run, and TLS forgets HELO",
            Ehlo, Tls("STARTTLS\r\nMAIL FROM:<mallory@example.org>\r\n", "220 2.0.0 Ready to start TLS"),
            Say("MAIL FROM:<carol@example.org>\r\n", "503 5.5.1 Send EHLO or HELO first"))
        .Open("STARTTLS twice", Ehlo, Tls("STARTTLS\r\n", "220 2.0.0 Ready to start TLS"), Helo, Say("STARTTLS\r\n", "503 5.5.1 TLS is already active"))
        .Open("relay to a foreign domain", Helo, Mail, Say("RCPT TO:<victim@elsewhere.example>\r\n", "550 5.7.1 Relaying denied"))
        .Open("relay through a source route", Helo, Mail, Say("RCPT TO:<@localhost:victim@elsewhere.example>\r\n", "550 5.7.1 Relaying denied"))
        .Open("relay by percent hack", Helo, Mail, Say("RCPT TO:<victim%elsewhere.example@localhost>\r\n", "550 5.1.1 User unknown"))
        .Open("relay by bang path", Helo, Mail, Say("RCPT TO:<elsewhere.example!victim@localhost>\r\n", "550 5.1.1 User unknown"))
        .Open("relay by quoted local part", Helo, Mail, Say("RCPT TO:<\"victim@elsewhere.example\"@localhost>\r\n", "550 5.1.1 User unknown"))
        .Open("VRFY does not tell users apart", Helo, Say("VRFY alice\r\nVRFY nobody\r\n",
            "252 2.5.0 Cannot VRFY user, but will accept the message and attempt delivery",
            "252 2.5.0 Cannot VRFY user, but will accept the message and attempt delivery"))
        .Open("AUTH with an unknown user and a wrong password look alike", Ehlo,
            Say($"AUTH PLAIN {Base64("\0nobody\0secret")}\r\n", AuthFailed), Say($"AUTH PLAIN {Base64("\0alice\0guess")}\r\n", AuthFailed))
        .Open("AUTH PLAIN acting for another user", Ehlo, Say($"AUTH PLAIN {Base64("bob\0alice\0" + SmtpHostileServer.Password)}\r\n", AuthFailed))
        .Closed("AUTH guessing is cut off", Ehlo,
            Say($"AUTH PLAIN {Base64("\0alice\0guess1")}\r\n", AuthFailed),
            Say($"AUTH PLAIN {Base64("\0alice\0guess2")}\r\n", AuthFailed),
            Say($"AUTH PLAIN {Base64("\0alice\0guess3")}\r\n", "421 4.7.0 Too many failed authentication attempts; closing the connection"))
        .Open("AUTH response not base64", Ehlo, Say("AUTH PLAIN !!!notbase64\r\n", "501 5.5.2 Cannot decode the response (base64 expected)"))
        .Open("AUTH \"=\" on a continuation line is not the empty response", Ehlo, Say("AUTH PLAIN\r\n", "334 "), Say("=\r\n", "501 5.5.2 Cannot decode the response (base64 expected)"))
        .Open("AUTH cancelled", Ehlo, Say("AUTH LOGIN\r\n", "334 VXNlcm5hbWU6"), Say("*\r\n", "501 5.0.0 Authentication cancelled"))
        .Open("AUTH unknown mechanism", Ehlo, Say("AUTH NTLM\r\n", "504 5.5.4 Unrecognized authentication mechanism"))
        .Open("AUTH overlong response line", Ehlo, Say("AUTH LOGIN\r\n", "334 VXNlcm5hbWU6"), Say(new string('Q', 20_000) + "\r\n", "500 5.5.6 Authentication exchange line is too long"))
        .Open("pipelined flood of 2000 NOOPs in one write", Say(Repeat(2000, "NOOP\r\n"), Times(2000, "250 2.0.0 Ok")))
        .Open("pipelined flood of 300 transactions reset", Helo, Say(Repeat(300, "MAIL FROM:<carol@example.org>\r\nRCPT TO:<alice@localhost>\r\nRSET\r\n"),
            [.. Enumerable.Range(0, 300).SelectMany(_ => new[] { "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok" })]))
        .Closed("a flood of NUL commands ends with 421", Say(Repeat(25, "\0\r\n"), [.. Times(20, Nul), "421 4.7.0 Too many errors; closing the connection"]))
        .Open("NUL in a message body is refused after the dot", Helo, Mail, Rcpt, Data, Say("Subject: x\r\n\r\na\0b\r\n.\r\n", "554 5.6.0 NUL characters are not allowed in a message (except BODY=BINARYMIME)"))
        .Open("bare CR in a message body is refused after the dot", Helo, Mail, Rcpt, Data, Say("Subject: x\r\n\r\nline\rMAIL FROM:<x@y>\r\n.\r\n", "554 5.6.11 Bare CR in message; lines must end with CRLF"))
        .Open("message over the size limit", Helo, Mail, Rcpt, Data, Say(Repeat(1000, new string('m', 98) + "\r\n") + ".\r\n", "552 5.3.4 Message size exceeds fixed limit"))
        .Closed("an HTTP request", Say("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "221 2.7.0 This is an SMTP server, not a web server; goodbye"))
        .Closed("a silent client times out", Say("", "421 4.4.2 Timeout; closing the connection"))
        .Closed("half a command, then silence", Say("NOO", "421 4.4.2 Timeout; closing the connection"));

    protected override Task RunAsync(HostileCase hostile) => HostileRunner.RunAsync(server, hostile);
}
