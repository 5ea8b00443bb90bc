using System.Globalization;
using NetKit.Net;
using NetKit.Telnet;
using NetKit.Tests.Support;

namespace NetKit.Tests.Telnet;

// The CLI: `netkit telnet` in piped mode against `netkit serve telnet`, and the serve options.
public class TelnetCommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TelnetCommand_pipedScript_printsTheConsoleAnswersAndExitsWhenServerCloses()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await using var serve = await ServeProcess.StartAsync("telnet=127.0.0.1:0", "--data", data);

            var run = await NetkitCli.RunAsync(["telnet", "127.0.0.1:" + serve.Port("telnet").ToString(CultureInfo.InvariantCulture), "--trace"],
                "reverse piped\nusers\nquit\n", TimeSpan.FromSeconds(30));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("depip\r\n", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("no users", run.Stdout, StringComparison.Ordinal);
            Assert.EndsWith("bye\r\n", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("S: IAC WILL ECHO", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task TelnetCommand_statusUnderServeTelnetEcho_showsBothListenersWithEndpointsAndCounts()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await using var serve = await ServeProcess.StartAsync("telnet=127.0.0.1:0", "echo=127.0.0.1:0", "--data", data);
            var telnetPort = serve.Port("telnet").ToString(CultureInfo.InvariantCulture);
            var echoPort = serve.Port("echo").ToString(CultureInfo.InvariantCulture);

            var run = await NetkitCli.RunAsync(["telnet", "127.0.0.1:" + telnetPort], "status\nquit\n", TimeSpan.FromSeconds(30));

            Assert.True(run.ExitCode == 0, run.ToString());
            // Echo started after telnet, and this session is telnet's one connection open.
            Assert.Contains($"listening: telnet tcp://127.0.0.1:{telnetPort} active 1 total 1\r\n", run.Stdout, StringComparison.Ordinal);
            Assert.Contains($"listening: echo tcp://127.0.0.1:{echoPort} active 0 total 0\r\n", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task TelnetCommand_nobodyListening_oneLineAndExitCode1()
    {
        var run = await NetkitCli.RunAsync("telnet", "127.0.0.1:1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("netkit: cannot connect to tcp://127.0.0.1:1: connection refused", run.Stderr.Trim());
    }

    [Fact]
    public async Task TelnetCommand_badWait_isUsageError()
    {
        var run = await NetkitCli.RunAsync("telnet", "127.0.0.1:1", "--wait", "-1");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task ServeTelnetLogin_storeUser_logsInAndListsUsers_wrongPasswordRefused()
    {
        await using var smtp = await SmtpServeProcess.StartWithUserAsync("alice", "correct horse", "telnet=127.0.0.1:0", "--telnet-login");
        var port = smtp.Serve.Port("telnet");
        var sent = await NetkitCli.RunAsync("smtp", "send", "--server", $"127.0.0.1:{smtp.Port}", "--from", "bob@example.org", "--to", "alice@localhost", "--body", "hi");
        Assert.True(sent.ExitCode == 0, sent.ToString());

        await using var client = await TelnetClient.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", port));
        await client.ReadUntilAsync("login: ", Wait);
        await client.WriteLineAsync("alice");
        await client.ReadUntilAsync("Password: ", Wait);
        await client.WriteLineAsync("wrong");
        await client.ReadUntilAsync("Login incorrect", Wait);
        await client.ReadUntilAsync("login: ", Wait);
        await client.WriteLineAsync("alice");
        await client.ReadUntilAsync("Password: ", Wait);
        await client.WriteLineAsync("correct horse");
        await client.ReadUntilAsync("netkit> ", Wait);
        await client.WriteLineAsync("users");
        var users = await client.ReadUntilAsync("netkit> ", Wait);
        await client.WriteLineAsync("mailboxes");
        var boxes = await client.ReadUntilAsync("netkit> ", Wait);

        Assert.Contains("alice\r\n", users, StringComparison.Ordinal);
        Assert.Contains("alice/INBOX: 1 message\r\n", boxes, StringComparison.Ordinal);
    }
}
