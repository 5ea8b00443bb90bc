using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetKit.Tests.Support;

namespace NetKit.Tests.Cli;

// The netkit CLI as a user meets it: help, exit codes, one clear line on errors, clean stops.
public class CliBehaviourTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("serve --help")]
    [InlineData("greet --help")]
    [InlineData("reverse --help")]
    [InlineData("connect --help")]
    [InlineData("dns --help")]
    [InlineData("dns hostname --help")]
    [InlineData("dns lookup --help")]
    [InlineData("dns reverse --help")]
    [InlineData("dns service --help")]
    [InlineData("dns port --help")]
    public async Task Help_anyCommand_printsUsageAndExitsZero(string arguments)
    {
        var result = await NetkitCli.RunAsync(arguments.Split(' '));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  netkit ", result.Stdout, StringComparison.Ordinal); // the tool's name, not the assembly's
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData("smtp", "25")]
    [InlineData("smtp/tcp", "25")]
    [InlineData("domain/udp", "53")]
    public async Task DnsService_knownName_printsPort(string service, string port)
    {
        var result = await NetkitCli.RunAsync("dns", "service", service);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(port + "\n", result.Stdout);
    }

    [Fact]
    public async Task Greet_nothingListening_printsOneNetkitLineWithoutStackTraceAndFails()
    {
        var result = await NetkitCli.RunAsync("greet", "127.0.0.1:1");

        Assert.True(result.ExitCode != 0, result.ToString());
        AssertOneErrorLine(result);
        Assert.Contains("refused", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("greet", "host:")]
    [InlineData("greet", "127.0.0.1:99999")]
    [InlineData("reverse", "--server", "host:", "text")]
    [InlineData("connect", "host:")]
    [InlineData("greet", "udp://127.0.0.1:9999")]
    [InlineData("reverse", "a\nb")]
    [InlineData("serve", "--idle-timeout", "-1", "echo=0")]
    [InlineData("serve", "--idle-timeout", "1e300", "echo=0")]
    [InlineData("serve", "--max-connections", "0", "echo=0")]
    [InlineData("connect", "--udp", "--wait", "-1", "127.0.0.1:9")]
    public async Task Command_badEndpoint_exitsTwoWithOneLine(params string[] arguments)
    {
        var result = await NetkitCli.RunAsync(arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        AssertOneErrorLine(result);
    }

    [Fact]
    public async Task Serve_unknownService_exitsTwoNamingItAndTheKnownOnes()
    {
        var result = await NetkitCli.RunAsync("serve", "nosuchservice");

        Assert.True(result.ExitCode == 2, result.ToString());
        AssertOneErrorLine(result);
        Assert.StartsWith("netkit: unknown service \"nosuchservice\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("reverse", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("greeting=127.0.0.1:{0}")]
    [InlineData("greeting={0}")]
    [InlineData("reverse=tcp://127.0.0.1:{0}")]
    public async Task Serve_portAlreadyInUse_failsNamingThePort(string format)
    {
        using var busy = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        busy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        busy.Listen();
        var port = ((IPEndPoint)busy.LocalEndPoint!).Port;

        var result = await NetkitCli.RunAsync(["serve", string.Format(CultureInfo.InvariantCulture, format, port)], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode != 0, result.ToString());
        AssertOneErrorLine(result);
        Assert.Contains($":{port}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("in use", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(ServeProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_udpPortAlreadyInUse_failsNamingThePort()
    {
        using var busy = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        busy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)busy.LocalEndPoint!).Port;

        var result = await NetkitCli.RunAsync(["serve", $"echo=udp://127.0.0.1:{port}"], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode != 0, result.ToString());
        AssertOneErrorLine(result);
        Assert.Contains($":{port}", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_signal_stopsCleanlyWithExitZeroAndFreesThePort(string signal)
    {
        await using var serve = await ServeProcess.StartAsync("greeting=127.0.0.1:0", "reverse=127.0.0.1:0");
        var port = serve.Port("reverse");

        var exitCode = await serve.StopAsync(signal);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{serve.Process.Output()}");
        // The log lines are written by a background logger, so "stopped." need not be the very last line.
        Assert.Contains("netkit: stopped.", serve.Process.Stdout.Split('\n'));
        Assert.DoesNotContain("   at ", serve.Process.Stdout + serve.Process.Stderr, StringComparison.Ordinal);
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        again.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_signalAsSoonAsServing_stopsCleanlyEveryTime(string signal)
    {
        // A supervisor may signal the moment the server says it serves; that must be a clean stop too.
        for (var i = 0; i < 5; i++)
        {
            await using var serve = await ServeProcess.StartAsync("greeting=127.0.0.1:0");

            var exitCode = await serve.StopAsync(signal);

            Assert.True(exitCode == 0, $"run {i}: exit code {exitCode}\n{serve.Process.Output()}");
            Assert.Contains("netkit: stopped.", serve.Process.Stdout.Split('\n'));
        }
    }

    [Fact]
    public async Task Serve_sigtermWithClientConnected_stopsWithExitZero()
    {
        await using var serve = await ServeProcess.StartAsync("reverse=127.0.0.1:0", "echo=127.0.0.1:0");
        using var reverseClient = new TcpClient();
        await reverseClient.ConnectAsync(IPAddress.Loopback, serve.Port("reverse"));
        using var echoClient = new TcpClient();
        await echoClient.ConnectAsync(IPAddress.Loopback, serve.Port("echo"));
        await reverseClient.GetStream().WriteAsync("half a li"u8.ToArray());

        var exitCode = await serve.StopAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{serve.Process.Output()}");
        Assert.Contains("netkit: stopped.", serve.Process.Stdout, StringComparison.Ordinal);
    }

    private static void AssertOneErrorLine(ProcessResult result)
    {
        Assert.True(result.StderrLines.Count == 1, $"expected one line on stderr:\n{result}");
        Assert.StartsWith("netkit: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }
}
