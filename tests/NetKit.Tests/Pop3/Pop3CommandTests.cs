using NetKit.Tests.Support;

namespace NetKit.Tests.Pop3;

/// <summary>`netkit pop3` end to end: the real CLI against our server.</summary>
public sealed class Pop3CommandTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("nk-pop3-cli-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private static Task<ProcessResult> Netkit(Pop3TestServer server, params string[] arguments) =>
        NetkitCli.RunAsync(["pop3", .. arguments, "--server", server.Address, "--user", Pop3TestServer.User, "--password", Pop3TestServer.Password]);

    [Fact]
    public async Task ListAndUidl_printNumbersSizesAndIds()
    {
        await using var server = Pop3TestServer.Start();
        var first = server.Add("Subject: 1\n\n1\n");
        var second = server.Add("Subject: 2\n\n22\n");
        var list = await Netkit(server, "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal("1\t17\n2\t18\n", list.Stdout);
        var uidl = await Netkit(server, "uidl");
        Assert.Equal($"1\t{first}\n2\t{second}\n", uidl.Stdout);
    }

    [Fact]
    public async Task RetrAndTop_writeTheMessageToStdout()
    {
        await using var server = Pop3TestServer.Start();
        server.Add("Subject: é\n\n.line 1\nline 2\n");
        var retr = await Netkit(server, "retr", "1");
        Assert.True(retr.ExitCode == 0, retr.ToString());
        Assert.Equal("Subject: é\r\n\r\n.line 1\r\nline 2\r\n", retr.Stdout);
        var top = await Netkit(server, "top", "1", "--lines", "1");
        Assert.Equal("Subject: é\r\n\r\n.line 1\r\n", top.Stdout);
    }

    [Fact]
    public async Task RetrToDirectory_savesEveryMessage_thenDeleRemoves()
    {
        await using var server = Pop3TestServer.Start();
        for (var i = 1; i <= 12; i++)
        {
            server.Add($"Subject: {i}\n\nbody {i}\n");
        }

        var retr = await Netkit(server, "retr", "--output", _output);
        Assert.True(retr.ExitCode == 0, retr.ToString());
        Assert.StartsWith("saved 12 messages", retr.Stdout);
        Assert.Equal(12, Directory.GetFiles(_output, "*.eml").Length);
        Assert.Equal("Subject: 7\r\n\r\nbody 7\r\n", await File.ReadAllTextAsync(Path.Combine(_output, "7.eml")));
        Assert.Equal(12, server.Maildrops.MessagesOf(Pop3TestServer.User).Count); // retr deletes nothing

        var dele = await Netkit(server, "dele", "1", "2", "3");
        Assert.True(dele.ExitCode == 0, dele.ToString());
        Assert.Equal(9, server.Maildrops.MessagesOf(Pop3TestServer.User).Count);
    }

    [Fact]
    public async Task StartTls_withTrace_hidesThePassword()
    {
        await using var server = Pop3TestServer.Start(o => o with { AllowPlaintextLogin = false });
        var list = await Netkit(server, "list", "--starttls", "-k", "--trace");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("C: STLS", list.Stderr);
        Assert.Contains("TLS established", list.Stderr);
        Assert.DoesNotContain(Pop3TestServer.Password, list.Stderr);
    }

    [Fact]
    public async Task Failures_areOneLineAndAnExitCode()
    {
        await using var server = Pop3TestServer.Start();
        var wrong = await NetkitCli.RunAsync("pop3", "list", "--server", server.Address, "--user", "alice", "--password", "nope");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal(["netkit: POP3 server refused AUTH SCRAM-SHA-256: [AUTH] authentication failed"], wrong.StderrLines);
        var missing = await Netkit(server, "retr", "5");
        Assert.Equal(1, missing.ExitCode);
        Assert.Single(missing.StderrLines);
        var usage = await Netkit(server, "retr", "1", "2");
        Assert.Equal(2, usage.ExitCode);
        var zero = await Netkit(server, "dele", "0");
        Assert.Equal(2, zero.ExitCode);
    }
}
