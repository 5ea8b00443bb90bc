using System.Net;
using System.Text;
using NetKit.Net;
using NetKit.Pop3.Client;
using NetKit.Pop3.Server;
using NetKit.Tests.Mail;
using NetKit.Tests.Support;
using NetKit.Transport;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>Our POP3 server over a mail store where alice has three messages, under hostile clients.</summary>
public sealed class Pop3HostileServer : IHostileServer, IAsyncLifetime
{
    public const string Password = "secret";
    public const int Messages = 3;
    private TempMailStore _store = null!;
    private StreamServer _listener = null!;

    public string Probe => "QUIT\r\n";

    public string ProbeReply => "+OK*";

    private int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public async Task InitializeAsync()
    {
        _store = TempMailStore.Create();
        await _store.Store.AddUserAsync("alice", Password);
        for (var i = 1; i <= Messages; i++)
        {
            await _store.Store.DeliverAsync(TempMailStore.Delivery(Encoding.ASCII.GetBytes($"Subject: kept {i}\r\n\r\nMessage {i}.\r\n"), "alice"));
        }

        var server = new Pop3Server(new MailStoreMaildrops(_store.Store), new Pop3ServerOptions
        {
            AllowPlaintextLogin = true,
            LoginFailureDelay = TimeSpan.FromMilliseconds(10),
            Certificate = Smtp.Server.SmtpServerHarness.Certificate,
            CommandTimeout = TimeSpan.FromSeconds(2),
        });
        _listener = server.Listen(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public async Task<RawLineClient> ConnectAsync()
    {
        var client = await RawLineClient.ConnectAsync(Port);
        HostileRunner.AssertLine("+OK NetKit POP3 server ready", (await client.ReadLineAsync()).TrimEnd());
        return client;
    }

    /// <summary>Our client logs in and lists: alice still has her three messages, each readable.</summary>
    public async Task NormalClientAsync()
    {
        await using var client = await Pop3Client.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", Port), Pop3TlsMode.None, new Pop3ClientOptions { CommandTimeout = TimeSpan.FromSeconds(10) });
        await client.LoginAsync("alice", Password);
        var list = await client.ListAsync();
        Assert.Equal(Messages, list.Count);
        for (var i = 1; i <= Messages; i++)
        {
            Assert.Contains($"Subject: kept {i}", Encoding.ASCII.GetString(await client.RetrAsync(i)), StringComparison.Ordinal);
        }

        await client.QuitAsync();
    }

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _store.DisposeAsync();
    }
}

public sealed class Pop3HostileTests(Pop3HostileServer server)
    : HostileTests<Pop3HostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<Pop3HostileServer>
{
    private static readonly HostileStep User = Say("USER alice\r\n", "+OK send PASS");
    private static readonly HostileStep Pass = Say($"PASS {Pop3HostileServer.Password}\r\n", "+OK alice's maildrop has 3 messages*");
    private const string AuthFailed = "-ERR [AUTH] authentication failed";
    private const string NotText = "-ERR command is not valid UTF-8 text";

    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("overlong command", Say("NOOP " + new string('x', 600) + "\r\n", "-ERR line too long"))
        .Open("overlong user name", Say("USER " + new string('a', 5000) + "\r\n", "-ERR line too long"))
        .Open("overlong line split over many writes then a command", Say(new string('z', 100_000) + "\r\nCAPA x\r\n", "-ERR line too long", "-ERR CAPA takes no argument"))
        .Open("NUL in a command", Say("US\0ER alice\r\n", NotText))
        .Open("NUL in a password", User, Say("PASS sec\0ret\r\n", NotText))
        .Open("invalid UTF-8 user name", Say("USER \u00ff\u00fe\r\n", NotText))
        .Open("overlong UTF-8 encoding in a password", User, Say("PASS \u00c0\u00afsecret\r\n", NotText))
        .Open("bare LF ends a command", Say("USER alice\n", "+OK send PASS"), Say($"PASS {Pop3HostileServer.Password}\n", "+OK alice's maildrop has 3 messages*"))
        .Open("bare CR inside a user name is just a wrong name", Say("USER ali\rce\r\n", "+OK send PASS"), Say($"PASS {Pop3HostileServer.Password}\r\n", AuthFailed))
        .Open("STAT before login", Say("STAT\r\n", "-ERR STAT is not valid in the AUTHORIZATION state"))
        .Open("RETR before login", Say("RETR 1\r\n", "-ERR RETR is not valid in the AUTHORIZATION state"))
        .Open("DELE before login", Say("DELE 1\r\n", "-ERR DELE is not valid in the AUTHORIZATION state"))
        .Open("PASS without USER", Say("PASS secret\r\n", "-ERR PASS must follow USER"))
        .Open("PASS not right after USER", User, Say("CAPA now\r\n", "-ERR CAPA takes no argument"), Say("PASS secret\r\n", "-ERR PASS must follow USER"))
        .Open("USER after login", User, Pass, Say("USER bob\r\n", "-ERR USER is not valid in the TRANSACTION state"))
        .Open("STLS after login", User, Pass, Say("STLS\r\n", "-ERR STLS is not valid in the TRANSACTION state"))
        .Open("STLS with an argument", Say("STLS now\r\n", "-ERR STLS takes no argument"))
        .Open("USER injected behind STLS is not run",
            Tls("STLS\r\nUSER alice\r\n", "+OK begin TLS negotiation"), Say($"PASS {Pop3HostileServer.Password}\r\n", "-ERR PASS must follow USER"))
        .Open("STLS twice", Tls("STLS\r\n", "+OK begin TLS negotiation"), Say("STLS\r\n", "-ERR TLS is already on"))
        .Open("APOP without plaintext secrets", Say("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n", "-ERR APOP is not available: this server keeps no plaintext secrets; use AUTH or USER/PASS"))
        .Open("unknown user and wrong password look alike",
            Say("USER nobody\r\n", "+OK send PASS"), Say("PASS secret\r\n", AuthFailed), User, Say("PASS guess\r\n", AuthFailed))
        .Closed("password guessing is cut off",
            User, Say("PASS guess1\r\n", AuthFailed), User, Say("PASS guess2\r\n", AuthFailed), User, Say("PASS guess3\r\n", "-ERR [AUTH] too many failed logins; closing"))
        .Open("AUTH PLAIN acting for another user", Say($"AUTH PLAIN {Base64("bob\0alice\0" + Pop3HostileServer.Password)}\r\n", AuthFailed))
        .Open("AUTH initial response not base64", Say("AUTH PLAIN %%%\r\n", "-ERR the initial response is not base64"))
        .Open("AUTH cancelled", Say("AUTH PLAIN\r\n", "+ "), Say("*\r\n", "-ERR AUTH cancelled"))
        .Open("AUTH base64 with a space inside on a continuation line", Say("AUTH PLAIN\r\n", "+ "), Say("Zm9v YmFy\r\n", "-ERR the response is not base64; AUTH ended"))
        .Open("AUTH unknown mechanism", Say("AUTH KERBEROS_V4\r\n", "-ERR unknown SASL mechanism KERBEROS_V4"))
        .Open("RETR message 0", User, Pass, Say("RETR 0\r\n", "-ERR no such message; the maildrop has 3"))
        .Open("RETR a negative number", User, Pass, Say("RETR -1\r\n", "-ERR \"-1\" is not a message number"))
        .Open("RETR a number past int", User, Pass, Say("RETR 99999999999999999999\r\n", "-ERR \"99999999999999999999\" is not a message number"))
        .Open("TOP with a negative line count", User, Pass, Say("TOP 1 -5\r\n", "-ERR syntax: TOP msg n, with n a number of lines"))
        .Open("DELE twice then RETR the deleted", User, Pass, Say("DELE 2\r\nDELE 2\r\nRETR 2\r\nRSET\r\n",
            "+OK message 2 deleted", "-ERR message 2 is deleted", "-ERR message 2 is deleted", "+OK maildrop has 3 messages*"))
        .Open("LIST with two arguments", User, Pass, Say("LIST 1 2\r\n", "-ERR syntax: LIST [msg]"))
        .Open("QUIT with an argument", Say("QUIT now\r\n", "-ERR QUIT takes no argument"))
        .Open("pipelined flood of 2000 NOOPs", User, Pass, Say(Repeat(2000, "NOOP\r\n"), Times(2000, "+OK")))
        .Open("pipelined flood of 500 LIST 1", User, Pass, Say(Repeat(500, "LIST 1\r\n"), Times(500, "+OK 1 *")))
        .Closed("a flood of unknown commands ends the session", Say(Repeat(25, "XYZZY\r\n"), [.. Times(20, "-ERR unknown command"), "-ERR too many errors; closing"]))
        .Closed("DELE then silence: autologout deletes nothing", User, Pass, Say("DELE 1\r\nDELE 3\r\n", "+OK message 1 deleted", "+OK message 3 deleted", "-ERR autologout; idle for too long"))
        .Closed("a silent client is logged out", Say("", "-ERR autologout; idle for too long"))
        .Open("an HTTP request", Say("GET / HTTP/1.1\r\n", "-ERR unknown command"));

    protected override Task RunAsync(HostileCase hostile) => HostileRunner.RunAsync(server, hostile);
}
