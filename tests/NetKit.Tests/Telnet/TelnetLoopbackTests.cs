using System.Globalization;
using NetKit.Services;
using NetKit.Telnet;
using NetKit.Transport;

namespace NetKit.Tests.Telnet;

// Our client against our server over loopback.
public class TelnetLoopbackTests
{
    private static readonly TimeSpan Wait = TelnetHarness.Wait;

    [Fact]
    public async Task Console_reverseAndQuit_answersAndCloses()
    {
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectToPromptAsync();

        await client.WriteLineAsync("reverse ПАЛИНДРОМ 👋🏽");
        var answer = await client.ReadUntilAsync("netkit> ", Wait);
        await client.WriteLineAsync("quit");
        var rest = await client.ReadToEndAsync();

        Assert.Contains("👋🏽 МОРДНИЛАП\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("bye\r\n", rest, StringComparison.Ordinal);
        Assert.True(client.IsClosed);
    }

    [Fact]
    public async Task Console_status_showsTheStatusLinesAndThisSession()
    {
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectToPromptAsync();

        await client.WriteLineAsync("status");
        var status = await client.ReadUntilAsync("netkit> ", Wait);

        Assert.Contains("status: fine\r\n", status, StringComparison.Ordinal);
        Assert.Contains($"-> 127.0.0.1:{harness.Port}", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_statusWithListenerProvider_oneLinePerListenerReadAtCallTime()
    {
        var listeners = new List<ListenerStatus> { new("telnet", "tcp://127.0.0.1:2323", 1, 7) };
        var console = new NetKitConsole(null, () => TelnetService.StatusLines(() => [.. listeners], 1));
        await using var harness = TelnetHarness.Start(application: console.RunAsync);
        await using var client = await harness.ConnectToPromptAsync();

        await client.WriteLineAsync("status");
        var first = await client.ReadUntilAsync("netkit> ", Wait);
        listeners.Add(new("daytime", "udp://127.0.0.1:13", 0, 3)); // Started after the console: shows on the next call.
        await client.WriteLineAsync("status");
        var second = await client.ReadUntilAsync("netkit> ", Wait);

        Assert.Contains("listening: telnet tcp://127.0.0.1:2323 active 1 total 7\r\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("daytime udp://", first, StringComparison.Ordinal);
        Assert.Contains("listening: telnet tcp://127.0.0.1:2323 active 1 total 7\r\n", second, StringComparison.Ordinal);
        Assert.Contains("listening: daytime udp://127.0.0.1:13 active 0 total 3\r\n", second, StringComparison.Ordinal);
        Assert.Contains("telnet sessions open: 1\r\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusLines_noProvider_saysListenersUnknown()
    {
        var lines = TelnetService.StatusLines(null, 0);

        Assert.Contains("listeners: unknown", lines);
        Assert.Equal("telnet sessions open: 0", lines[^1]);
    }

    [Fact]
    public async Task Client_characterMode_serverEchoesAndClientSeesIt()
    {
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectToPromptAsync();

        await client.WriteLineAsync("help");
        var echoed = await client.ReadUntilAsync("quit\r\n", Wait);

        Assert.True(client.ServerEchoes);
        Assert.StartsWith("help\r\n", echoed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_backspaceCtrlUAndEraseCommands_editTheLine()
    {
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectToPromptAsync();

        // "junk" killed by Ctrl+U; "x" erased by DEL; "d" erased by IAC EC; ü erased whole by BS.
        await client.WriteAsync("junk\u0015reverse abx\u007fc");
        await client.WriteAsync("d");
        await client.SendCommandAsync(TelnetCommand.EC);
        await client.WriteAsync("eü\b\r\n");
        var answer = await client.ExpectAsync([new("(\\S+)\r\nnetkit> ")], Wait);

        Assert.Equal("ecba", answer.Match.Groups[1].Value);
    }

    [Fact]
    public async Task Server_terminalTypeWindowSizeAndEnvironment_readFromTheClient()
    {
        string? seen = null;
        await using var harness = TelnetHarness.Start(application: async (session, ct) =>
        {
            while (await session.Terminal.ReadLineAsync(true, ct) is { } line)
            {
                seen = string.Create(CultureInfo.InvariantCulture,
                    $"{session.Channel.PeerTerminalType} {session.Channel.PeerWindowSize} {session.Channel.PeerEnvironment.GetValueOrDefault("USER")}");
                await session.Terminal.WriteLineAsync("[" + seen + "]", ct);
            }
        });
        var options = new TelnetClientOptions
        {
            Channel = new TelnetChannelOptions
            {
                TerminalType = "XTERM-TEST",
                WindowSize = (132, 43),
                Environment = new Dictionary<string, string> { ["USER"] = "al\x01ice" },
            },
        };
        await using var client = await harness.ConnectAsync(options);
        await client.ReadUntilAsync("console. Type help.\r\n", Wait);

        // The first line can overtake the answers to the server's SB SEND; the second cannot.
        await client.WriteLineAsync("one");
        await client.ReadUntilAsync("]\r\n", Wait);
        await client.WriteLineAsync("two");
        var second = await client.ReadUntilAsync("]\r\n", Wait);

        Assert.EndsWith("[XTERM-TEST (132, 43) al\x01ice]\r\n".Replace("\x01", "", StringComparison.Ordinal), second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_windowResized_serverSeesTheNewSize()
    {
        await using var harness = TelnetHarness.Start(application: async (session, ct) =>
        {
            while (await session.Terminal.ReadLineAsync(true, ct) is not null)
            {
                await session.Terminal.WriteLineAsync($"[{session.Channel.PeerWindowSize}]", ct);
            }
        });
        await using var client = await harness.ConnectAsync(new TelnetClientOptions { Channel = new() { WindowSize = (80, 24) } });
        await client.ReadUntilAsync("help.\r\n", Wait);
        await client.WriteLineAsync("a");
        await client.ReadUntilAsync("]\r\n", Wait);

        await client.Channel.SetWindowSizeAsync(300, 100);
        await client.WriteLineAsync("b");
        var answer = await client.ReadUntilAsync("]\r\n", Wait);

        Assert.EndsWith("[(300, 100)]\r\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_rightPassword_opensTheConsole_wrongThrice_closes()
    {
        var options = new TelnetServerOptions
        {
            Login = (user, password, _) => Task.FromResult(user == "alice" && password == "s3cret"),
        };
        await using var harness = TelnetHarness.Start(options);

        await using (var good = await harness.ConnectAsync())
        {
            await good.ReadUntilAsync("login: ", Wait);
            await good.WriteLineAsync("alice");
            var prompt = await good.ReadUntilAsync("Password: ", Wait);
            await good.WriteLineAsync("s3cret");
            var after = await good.ReadUntilAsync("netkit> ", Wait);
            Assert.DoesNotContain("s3cret", after, StringComparison.Ordinal); // Not echoed.
            Assert.EndsWith("alice\r\nPassword: ", prompt, StringComparison.Ordinal);
        }

        await using var bad = await harness.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await bad.ReadUntilAsync("login: ", Wait);
            await bad.WriteLineAsync("alice");
            await bad.ReadUntilAsync("Password: ", Wait);
            await bad.WriteLineAsync("wrong");
            await bad.ReadUntilAsync("Login incorrect", Wait);
        }

        var end = await bad.ReadToEndAsync();
        Assert.Contains("Too many failed logins", end, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_readUntilTimeout_throwsAndKeepsTheText()
    {
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectToPromptAsync();
        await client.WriteLineAsync("help");
        await client.ReadUntilAsync("quit", Wait);

        await Assert.ThrowsAsync<TimeoutException>(() => client.ReadUntilAsync("never", TimeSpan.FromMilliseconds(200)));
        // The rest of the help line is still there to read.
        Assert.StartsWith("\r\n", await client.ReadUntilAsync("> ", Wait), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_serverCloses_expectThrowsTelnetException()
    {
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectToPromptAsync();
        await client.WriteLineAsync("quit");

        var error = await Assert.ThrowsAsync<TelnetException>(() => client.ReadUntilAsync("never", Wait));
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_showsNegotiation()
    {
        using var output = new StringWriter();
        await using var harness = TelnetHarness.Start();
        await using var client = await harness.ConnectAsync(new TelnetClientOptions { Trace = new WireTrace(output, TraceRole.Client) });
        await client.ExpectAsync([TelnetHarness.Prompt], Wait);

        var trace = output.ToString();
        Assert.Contains("S: IAC WILL ECHO", trace, StringComparison.Ordinal);
        Assert.Contains("C: IAC DO ECHO", trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_thousandSimultaneousSessions_eachGetsItsAnswer()
    {
        await using var harness = TelnetHarness.Start();
        using var start = new SemaphoreSlim(0);
        var sessions = Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            await using var client = await harness.ConnectToPromptAsync();
            await start.WaitAsync();
            await client.WriteLineAsync($"reverse abc{i}");
            var answer = await client.ExpectAsync([new(@"(\d+cba)\r\n")], TimeSpan.FromSeconds(60));
            return answer.Match.Groups[1].Value == new string($"abc{i}".Reverse().ToArray());
        })).ToList();
        start.Release(1000);

        var results = await Task.WhenAll(sessions);
        Assert.All(results, Assert.True);
    }
}
