using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Ftp;

/// <summary>Hostile and confused clients: every path escape is 550, every command out of order gets its error reply, and the server keeps serving.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FtpBadInputTests
{
    public static TheoryData<string> Escapes() =>
    [
        "..", "../..", "/..", "/../etc", "../../../../../../etc/passwd", "a/../../x", "./../", "/../../..",
        "out", "out/passwd", "inside/../out/passwd", "loop", "%2e%2e/%2e%2e/etc/passwd", "..\\..\\etc\\passwd",
        "x/" + new string('a', 300), new string('b', 2000), "tab\there", "bell\u0007",
    ];

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task PathCommands_escapeAttempts_fail550(string path)
    {
        await using var server = await FtpTestServer.StartAsync();
        File.CreateSymbolicLink(Path.Combine(server.UserRoot, "out"), "/etc");
        File.CreateSymbolicLink(Path.Combine(server.UserRoot, "loop"), "loop");
        Directory.CreateDirectory(Path.Combine(server.UserRoot, "inside"));
        using var session = await FtpRawSession.ConnectAsync(server);
        foreach (var verb in new[] { "CWD", "SIZE", "MDTM", "RETR", "DELE", "MKD", "RMD", "RNFR", "STOR", "MLST", "LIST", "NLST", "MLSD", "STAT" })
        {
            var reply = await session.CommandAsync($"{verb} {path}");
            Assert.True(reply.Code == 550 || (verb == "STOR" && reply.Code == 553), $"{verb} {path}: {reply}");
        }

        Assert.Equal(257, (await session.CommandAsync("PWD")).Code);
        Assert.Equal("/", NetKit.Ftp.Client.FtpClient.ParseQuotedPath((await session.CommandAsync("PWD")).Text));
        Assert.True(Directory.Exists("/etc"));
    }

    [Theory]
    [InlineData(new byte[] { 0xc0, 0xae, 0xc0, 0xae })]          // overlong UTF-8 for ".."
    [InlineData(new byte[] { 0x2e, 0x2e, 0x00, 0x2f, 0x65 })]    // NUL inside
    [InlineData(new byte[] { 0xfe, 0x2e, 0x2e })]
    [InlineData(new byte[] { 0xe0, 0x80, 0xaf, 0x65, 0x74, 0x63 })]
    public async Task PathCommands_oddEncodings_fail550(byte[] path)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server);
        foreach (var verb in new[] { "CWD ", "RETR ", "SIZE " })
        {
            var reply = await session.CommandAsync([.. Encoding.ASCII.GetBytes(verb), .. path]);
            Assert.True(reply.Code == 550, $"{verb}{Convert.ToHexString(path)}: {reply}");
        }
    }

    [Fact]
    public async Task Symlink_insideTheJail_isFollowed()
    {
        await using var server = await FtpTestServer.StartAsync();
        Directory.CreateDirectory(Path.Combine(server.UserRoot, "real"));
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "real", "f.txt"), "12345");
        File.CreateSymbolicLink(Path.Combine(server.UserRoot, "alias"), "real");
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal("5", (await session.CommandAsync("SIZE alias/f.txt")).Text);
        Assert.Equal(250, (await session.CommandAsync("CWD alias")).Code);
    }

    [Fact]
    public async Task CommandsBeforeLogin_are530_andTheSessionGoesOn()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server, login: false);
        foreach (var command in new[] { "PWD", "CWD /", "RETR x", "STOR x", "LIST", "PASV", "EPSV", "PORT 127,0,0,1,4,1", "MKD d", "DELE x", "SIZE x", "STAT x", "SITE CHMOD 644 x", "REST 1", "TYPE I", "MLSD", "RNFR x" })
        {
            Assert.True((await session.CommandAsync(command)).Code == 530, command);
        }

        Assert.Equal(503, (await session.CommandAsync("PASS secret")).Code);
        Assert.Equal(503, (await session.CommandAsync("PBSZ 0")).Code);
        Assert.Equal(503, (await session.CommandAsync("PROT P")).Code);
        Assert.Equal(200, (await session.CommandAsync("NOOP")).Code);
        Assert.Equal(215, (await session.CommandAsync("SYST")).Code);
        Assert.Equal(211, (await session.CommandAsync("FEAT")).Code);
        Assert.Equal(214, (await session.CommandAsync("HELP")).Code);
        Assert.Equal(331, (await session.CommandAsync("USER alice")).Code);
        Assert.Equal(230, (await session.CommandAsync("PASS secret")).Code);
        Assert.Equal(530, (await session.CommandAsync("USER bob")).Code);
        Assert.Equal(503, (await session.CommandAsync("PASS again")).Code);
    }

    [Fact]
    public async Task CommandsOutOfOrderOrMalformed_getTheirErrorReplies()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server);
        (string Command, int Code)[] cases =
        [
            ("RNTO x", 503), ("RETR missing", 550), ("STOR x", 425), ("LIST", 425), ("RETR", 501),
            ("TYPE X", 504), ("TYPE", 501), ("MODE B", 504), ("STRU R", 504), ("MODE S", 200), ("STRU F", 200), ("TYPE L 8", 200), ("TYPE E", 504), ("REST abc", 501), ("REST -1", 501),
            ("PORT 10,0,0,1,4,1", 501), ("PORT 127,0,0,1,0,21", 501), ("PORT 1,2,3", 501), ("PORT 300,0,0,1,4,1", 501),
            ("EPRT |1|10.0.0.1|5000|", 501), ("EPRT |3|x|5000|", 522), ("EPRT garbage", 501), ("EPSV 2", 522), ("EPSV 7", 501),
            ("XYZZY", 500), ("", 500), ("A", 500), ("PROT P", 503), ("PBSZ 0", 503), ("AUTH KERBEROS", 504),
            ("OPTS FOO", 501), ("OPTS UTF8 ON", 200), ("SITE FOO", 501), ("SITE CHMOD 999 x", 501), ("SITE CHMOD 644 nothing", 550),
            ("MKD /", 550), ("RMD /", 550), ("RNFR /", 550), ("CDUP", 250), ("MLSD nothing", 550), ("REIN", 502), ("ABOR", 225),
            ("DELE /", 550), ("SIZE /", 550), ("RMD missing", 550), ("CWD missing", 550),
        ];
        foreach (var (command, code) in cases)
        {
            var reply = await session.CommandAsync(command);
            Assert.True(reply.Code == code, $"{command}: expected {code}, got {reply}");
        }

        Assert.Equal(200, (await session.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task OverlongLineAndInvalidUtf8_areRefused_andTheSessionGoesOn()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(500, (await session.CommandAsync("NOOP " + new string('x', 100_000))).Code);
        Assert.Equal(501, (await session.CommandAsync([.. "NOOP "u8.ToArray(), 0xc3, 0x28])).Code);
        Assert.Equal(200, (await session.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task FailedLogins_areDelayedThenTheConnectionCloses()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server, login: false);
        for (var i = 0; i < 2; i++)
        {
            await session.CommandAsync("USER alice");
            Assert.Equal(530, (await session.CommandAsync("PASS wrong")).Code);
        }

        await session.CommandAsync("USER nobody");
        Assert.Equal(421, (await session.CommandAsync("PASS wrong")).Code);
        Assert.Equal(string.Empty, await session.Client.ReadToEndAsync());
    }

    [Fact]
    public async Task Anonymous_whenAllowed_readsPubButCannotWrite()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { AllowAnonymous = true });
        Directory.CreateDirectory(Path.Combine(server.Root, "pub"));
        await File.WriteAllTextAsync(Path.Combine(server.Root, "pub", "readme.txt"), "hi");
        await using var client = await NetKit.Ftp.Client.FtpClient.ConnectAsync("127.0.0.1", server.Port);
        await client.LoginAsync();
        Assert.Equal(["readme.txt"], await client.NlstAsync());
        foreach (var command in new[] { "STOR x", "APPE x", "STOU", "DELE readme.txt", "MKD d", "RMD d", "RNFR readme.txt", "SITE CHMOD 777 readme.txt" })
        {
            Assert.True((await client.SendCommandAsync(command)).Code == 550, command);
        }

        Assert.Equal(550, (await client.SendCommandAsync("CWD ..")).Code);
        Assert.False(File.Exists(Path.Combine(server.Root, "pub", "x")));
    }

    [Fact]
    public async Task Anonymous_whenNotAllowed_isRefused()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server, login: false);
        await session.CommandAsync("USER anonymous");
        Assert.Equal(530, (await session.CommandAsync("PASS guest@")).Code);
    }

    [Fact]
    public async Task DataConnectionThatNeverOpens_times0ut425()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { DataConnectionTimeout = TimeSpan.FromMilliseconds(300) });
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "f"), "x");
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(227, (await session.CommandAsync("PASV")).Code);
        Assert.Equal(150, (await session.CommandAsync("RETR f")).Code);
        Assert.Equal(425, (await session.ReadReplyAsync()).Code);
        Assert.Equal(200, (await session.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task Abor_midDownload_answers426Then226_andTheSessionGoesOn()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "big"), new byte[50 * 1024 * 1024]);
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(200, (await session.CommandAsync("TYPE I")).Code);
        using var data = await session.OpenPassiveAsync();
        Assert.Equal(150, (await session.CommandAsync("RETR big")).Code);
        var buffer = new byte[1000];
        await data.ReceiveAsync(buffer);   // data flows; we read almost none of it
        Assert.Equal(211, (await session.CommandAsync("STAT")).Code);
        Assert.Equal(503, (await session.CommandAsync("PWD")).Code);
        Assert.Equal(426, (await session.CommandAsync([0xff, 0xf4, 0xff, 0xf2, .. "ABOR"u8.ToArray()])).Code);
        Assert.Equal(226, (await session.ReadReplyAsync()).Code);
        Assert.Equal(257, (await session.CommandAsync("PWD")).Code);
    }

    [Fact]
    public async Task ClientVanishingMidUpload_leavesNoFileThatLooksComplete()
    {
        await using var server = await FtpTestServer.StartAsync();
        var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(200, (await session.CommandAsync("TYPE I")).Code);
        var data = await session.OpenPassiveAsync();
        Assert.Equal(150, (await session.CommandAsync("STOR upload.bin")).Code);
        await data.SendAsync(new byte[100_000], SocketFlags.None);
        session.Client.Reset();
        data.Close(0);
        for (var i = 0; i < 200 && Directory.EnumerateFileSystemEntries(server.UserRoot).Any(); i++)
        {
            await Task.Delay(20);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(server.UserRoot));
        session.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DataConnectionReset_midUpload_is426_leavesNothing_andTheSessionGoesOn(bool restarted)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(200, (await session.CommandAsync("TYPE I")).Code);
        if (restarted)
        {
            // A restarted upload writes the real file in place; a cut one keeps what arrived, which is what REST is for.
            await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "up.bin"), new byte[1000]);
            Assert.Equal(350, (await session.CommandAsync("REST 1000")).Code);
        }

        var data = await session.OpenPassiveAsync();
        Assert.Equal(150, (await session.CommandAsync("STOR up.bin")).Code);
        await data.SendAsync(new byte[300_000], SocketFlags.None);
        data.Close(0);   // RST, not FIN: the sender died, it did not finish
        Assert.Equal(426, (await session.ReadReplyAsync()).Code);
        if (restarted)
        {
            Assert.Equal(["up.bin"], Directory.EnumerateFileSystemEntries(server.UserRoot).Select(Path.GetFileName));
        }
        else
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(server.UserRoot));
        }

        Assert.Equal(257, (await session.CommandAsync("PWD")).Code);
    }

    [Fact]
    public async Task ConnectionsOverThePerAddressLimit_hear421()
    {
        await using var server = await FtpTestServer.StartAsync(transport: o => o with { MaxConnectionsPerAddress = 2, LimitLoopbackPeers = true });
        using var first = await FtpRawSession.ConnectAsync(server);
        using var second = await FtpRawSession.ConnectAsync(server, login: false);
        using var third = await Support.RawLineClient.ConnectAsync(server.Port);
        Assert.StartsWith("421 ", await third.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, await third.ReadToEndAsync());
        Assert.Equal(257, (await first.CommandAsync("PWD")).Code);
    }

    [Fact]
    public async Task Abor_midUpload_discardsTheTemporaryFile()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server);
        using var data = await session.OpenPassiveAsync();
        Assert.Equal(150, (await session.CommandAsync("STOR up.bin")).Code);
        await data.SendAsync(new byte[10_000], SocketFlags.None);
        Assert.Equal(426, (await session.CommandAsync("ABOR")).Code);
        Assert.Equal(226, (await session.ReadReplyAsync()).Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.UserRoot));
    }

    [Fact]
    public async Task Upload_isStoredUnderATemporaryNameUntilComplete()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var session = await FtpRawSession.ConnectAsync(server);
        using var data = await session.OpenPassiveAsync();
        Assert.Equal(150, (await session.CommandAsync("STOR part.bin")).Code);
        await data.SendAsync(new byte[10_000], SocketFlags.None);
        Assert.Equal(211, (await session.CommandAsync("STAT")).Code);
        Assert.False(File.Exists(Path.Combine(server.UserRoot, "part.bin")));
        data.Shutdown(SocketShutdown.Send);
        Assert.Equal(226, (await session.ReadReplyAsync()).Code);
        Assert.Equal(10_000, new FileInfo(Path.Combine(server.UserRoot, "part.bin")).Length);
        Assert.Single(Directory.EnumerateFileSystemEntries(server.UserRoot));
    }

    [Fact]
    public async Task StatWithPath_andSiteChmod_andStou_work()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "f.txt"), "abc");
        using var session = await FtpRawSession.ConnectAsync(server);
        var stat = await session.CommandAsync("STAT f.txt");
        Assert.Equal(213, stat.Code);
        Assert.Contains(stat.Lines, l => l.EndsWith(" f.txt", StringComparison.Ordinal) && l.StartsWith("-rw", StringComparison.Ordinal));
        Assert.Equal(212, (await session.CommandAsync("STAT /")).Code);
        Assert.Equal(200, (await session.CommandAsync("SITE CHMOD 600 f.txt")).Code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(server.UserRoot, "f.txt")));
        using var data = await session.OpenPassiveAsync();
        var stou = await session.CommandAsync("STOU f.txt");
        Assert.Equal(150, stou.Code);
        Assert.Contains("/f.txt.1", stou.Text, StringComparison.Ordinal);
        data.Shutdown(SocketShutdown.Send);
        Assert.Equal(226, (await session.ReadReplyAsync()).Code);
        Assert.True(File.Exists(Path.Combine(server.UserRoot, "f.txt.1")));
    }

    [Fact]
    public async Task PassiveConnectionFromAnotherAddress_isRefused()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "f"), "secret data");
        using var session = await FtpRawSession.ConnectAsync(server);
        var reply = await session.CommandAsync("PASV");
        Assert.True(NetKit.Ftp.FtpAddresses.TryParsePassiveReply(reply.Text, out var endPoint));
        // 127.0.0.2 is loopback too, but not the address the control connection came from.
        using var thief = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        thief.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.2"), 0));
        await thief.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, endPoint.Port));
        Assert.Equal(150, (await session.CommandAsync("RETR f")).Code);
        var buffer = new byte[100];
        Assert.Equal(0, await thief.ReceiveAsync(buffer));
        using var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, endPoint.Port));
        var n = await data.ReceiveAsync(buffer);
        Assert.Equal("secret data", Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal(226, (await session.ReadReplyAsync()).Code);
    }
}
