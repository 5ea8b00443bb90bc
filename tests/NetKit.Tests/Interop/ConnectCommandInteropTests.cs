using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// `netkit connect` (our netcat) against an echo server from Python's socketserver.
public class ConnectCommandInteropTests
{
    [Fact]
    public async Task Connect_tcpAgainstPythonEchoServer_copiesStdinToSocketAndSocketToStdout()
    {
        var (server, port) = await InteropScripts.StartServerAsync("echo_server.py", "tcp");
        await using var _ = server;
        const string text = "hello\nПривет, мир 👋🏽\r\nno ending at the end";

        var connect = await NetkitCli.RunAsync(["connect", $"127.0.0.1:{port}"], stdin: text);

        Assert.True(connect.ExitCode == 0, connect.ToString());
        Assert.Equal(text, connect.Stdout);
        Assert.Equal("", connect.Stderr);
    }

    [Fact]
    public async Task Connect_tcpLargeInputAgainstPythonEchoServer_copiesEverything()
    {
        var (server, port) = await InteropScripts.StartServerAsync("echo_server.py", "tcp");
        await using var _ = server;
        var text = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{i}: строка текста\n"));

        var connect = await NetkitCli.RunAsync(["connect", $"tcp://127.0.0.1:{port}"], stdin: text);

        Assert.True(connect.ExitCode == 0, connect.ToString());
        Assert.True(text == connect.Stdout, $"sent {text.Length} chars, got {connect.Stdout.Length} back");
    }

    [Fact]
    public async Task Connect_udpAgainstPythonEchoServer_sendsEachLineAsDatagramAndPrintsAnswers()
    {
        var (server, port) = await InteropScripts.StartServerAsync("echo_server.py", "udp");
        await using var _ = server;

        var connect = await NetkitCli.RunAsync(["connect", "--udp", "--wait", "2", $"127.0.0.1:{port}"], stdin: "one\nдва\nthree\n");

        Assert.True(connect.ExitCode == 0, connect.ToString());
        Assert.Equal("one\nдва\nthree\n", connect.Stdout);
    }

    [Fact]
    public async Task Connect_udpSchemeAgainstPythonEchoServer_printsAnswer()
    {
        var (server, port) = await InteropScripts.StartServerAsync("echo_server.py", "udp");
        await using var _ = server;

        var connect = await NetkitCli.RunAsync(["connect", $"udp://127.0.0.1:{port}"], stdin: "datagram\n");

        Assert.True(connect.ExitCode == 0, connect.ToString());
        Assert.Equal("datagram\n", connect.Stdout);
    }
}
