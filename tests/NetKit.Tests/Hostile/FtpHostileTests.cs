using System.Text;
using NetKit.Tests.Ftp;
using NetKit.Tests.Support;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>Our FTP server (AUTH TLS, alice jailed in ROOT/alice holding kept.txt), under hostile clients.</summary>
public sealed class FtpHostileServer : IHostileServer, IAsyncLifetime
{
    public static readonly byte[] Kept = Encoding.ASCII.GetBytes("acknowledged before the hostile clients came\r\n");
    private FtpTestServer _server = null!;

    public string Probe => "NOOP\r\n";

    public string ProbeReply => "200 OK.";

    public async Task InitializeAsync()
    {
        _server = await FtpTestServer.StartAsync();
        await using var client = await _server.ConnectAsync();
        await client.UploadAsync("kept.txt", new MemoryStream(Kept));
        await client.QuitAsync();
        File.WriteAllText(Path.Combine(_server.Root, "outside-alice.txt"), "not alice's\n");
    }

    public async Task<RawLineClient> ConnectAsync()
    {
        var client = await RawLineClient.ConnectAsync(_server.Port);
        HostileRunner.AssertLine("220 NetKit FTP server ready", (await client.ReadLineAsync()).TrimEnd());
        return client;
    }

    /// <summary>Our client logs in and lists: kept.txt is there, whole; nothing escaped the jail.</summary>
    public async Task NormalClientAsync()
    {
        await using var client = await _server.ConnectAsync();
        Assert.Contains(await client.ListAsync(), entry => entry.Name == "kept.txt");
        var copy = new MemoryStream();
        await client.DownloadAsync("kept.txt", copy);
        Assert.Equal(Kept, copy.ToArray());
        await client.QuitAsync();
        Assert.Equal("not alice's\n", File.ReadAllText(Path.Combine(_server.Root, "outside-alice.txt")));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}

public sealed class FtpHostileTests(FtpHostileServer server)
    : HostileTests<FtpHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<FtpHostileServer>
{
    private static readonly HostileStep User = Say($"USER {FtpTestServer.User}\r\n", "331 Password required for alice.");
    private static readonly HostileStep Pass = Say($"PASS {FtpTestServer.Password}\r\n", "230 User alice logged in.");
    private const string LoginFirst = "530 Please log in with USER and PASS.";
    private const string Bounce = "501 Rejected: the data connection must go to your own address and a port above 1023.";

    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("overlong command", Say("NOOP " + new string('x', 5000) + "\r\n", "500 Command line too long."))
        .Open("overlong path after login", User, Pass, Say("CWD " + string.Concat(Enumerable.Repeat("deep/", 2000)) + "\r\n", "500 Command line too long."))
        .Open("NUL in a command", Say("NO\0OP\r\n", "500 Syntax error, command unrecognized."))
        .Open("NUL in a path", User, Pass, Say("MKD a\0b\r\n", "550 control characters in a path."))
        .Open("Telnet IAC bytes in a user name are stripped (RFC 959 control is Telnet)", Say("USER \u00ff\u00fe\r\n", "501 USER needs a name."))
        .Open("invalid UTF-8 in a user name", Say("USER \u00c3\u0028lice\r\n", "501 Invalid UTF-8 in the command."))
        .Open("invalid UTF-8 in a file name", User, Pass, Say("DELE \u00e9t\u00e9.txt\r\n", "550 Invalid UTF-8 in the command."))
        .Open("bare LF ends a command", Say("NOOP\n", "200 OK."))
        .Open("bare CR inside a command", Say("NO\rOP\r\n", "500 Syntax error, command unrecognized."))
        .Open("STOR before login", Say("STOR x.txt\r\n", LoginFirst))
        .Open("DELE before login", Say("DELE kept.txt\r\n", LoginFirst))
        .Open("PASS without USER", Say("PASS secret\r\n", "503 Login with USER first."))
        .Open("USER after login", User, Pass, Say("USER bob\r\n", "530 Already logged in."))
        .Open("RNTO without RNFR", User, Pass, Say("RNTO x.txt\r\n", "503 RNFR first."))
        .Open("RNFR then RNTO above the root", User, Pass, Say("RNFR kept.txt\r\n", "350 Ready for RNTO."), Say("RNTO ../stolen.txt\r\n", "550 path leaves the root."))
        .Open("RNFR a file outside the jail", User, Pass, Say("RNFR ../outside-alice.txt\r\n", "550 path leaves the root."))
        .Open("DELE above the root", User, Pass, Say("DELE ../outside-alice.txt\r\n", "550 path leaves the root."))
        .Open("STOR above the root", User, Pass, Say("STOR ../../evil.txt\r\n", "550 path leaves the root."))
        .Open("RMD the root", User, Pass, Say("RMD /\r\n", "550 Cannot remove the root."))
        .Open("MDTM of a system file", User, Pass, Say("MDTM /../../../../etc/passwd\r\n", "550 path leaves the root."))
        .Open("CWD back-slash escape", User, Pass, Say("CWD ..\\..\\..\r\n", "550 backslash in a path."))
        .Open("PORT bounce to another host", User, Pass, Say("PORT 10,0,0,1,0,25\r\n", Bounce))
        .Open("PORT bounce to a privileged local port", User, Pass, Say("PORT 127,0,0,1,0,25\r\n", Bounce))
        .Open("EPRT bounce to another host", User, Pass, Say("EPRT |1|192.0.2.1|2525|\r\n", Bounce))
        .Open("PORT with numbers out of range", User, Pass, Say("PORT 999,0,0,1,4,1\r\n", "501 PORT syntax error."))
        .Open("USER injected behind AUTH TLS is not run",
            Tls("AUTH TLS\r\nUSER alice\r\n", "234 Proceed with TLS negotiation."), Say($"PASS {FtpTestServer.Password}\r\n", "503 Login with USER first."))
        .Open("AUTH TLS twice", Tls("AUTH TLS\r\n", "234 Proceed with TLS negotiation."), Say("AUTH TLS\r\n", "503 TLS is already on."))
        .Open("AUTH SSL-like unknown mechanism", Say("AUTH KERBEROS\r\n", "504 Only AUTH TLS is supported."))
        .Open("PROT before AUTH TLS", Say("PROT P\r\n", "503 PROT needs AUTH TLS and PBSZ first."))
        .Open("unknown user and wrong password look alike",
            Say("USER nobody\r\n", "331 Password required for nobody."), Say("PASS secret\r\n", "530 Login incorrect."), User, Say("PASS guess\r\n", "530 Login incorrect."))
        .Closed("password guessing is cut off",
            User, Say("PASS guess1\r\n", "530 Login incorrect."), User, Say("PASS guess2\r\n", "530 Login incorrect."), User, Say("PASS guess3\r\n", "421 Too many failed logins; closing."))
        .Open("REST with a negative offset", User, Pass, Say("REST -5\r\n", "501 REST needs a byte offset."))
        .Open("TYPE that does not exist", User, Pass, Say("TYPE X\r\n", "504 Type X not supported."))
        .Open("SITE EXEC", User, Pass, Say("SITE EXEC /bin/sh\r\n", "501 Unknown SITE command; SITE HELP lists them."))
        .Open("pipelined flood of 2000 NOOPs", Say(Repeat(2000, "NOOP\r\n"), Times(2000, "200 OK.")))
        .Open("pipelined flood of 500 PWD", User, Pass, Say(Repeat(500, "PWD\r\n"), Times(500, "257 \"/\" is the current directory.")))
        .Open("an HTTP request", Say("GET / HTTP/1.1\r\n", "500 Unknown command GET."));

    protected override Task RunAsync(HostileCase hostile) => HostileRunner.RunAsync(server, hostile);
}
