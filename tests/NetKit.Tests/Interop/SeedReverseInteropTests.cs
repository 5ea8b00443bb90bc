using System.Globalization;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// The seed's palindrome programs (tests/interop/reverse_*.py) against ours, both ways.
public class SeedReverseInteropTests
{
    [Theory]
    [InlineData("ПАЛИНДРОМ", "МОРДНИЛАП")]
    [InlineData("А роза упала на лапу Азора", "арозА упал ан алапу азор А")]
    [InlineData("мир 👋🏽 🇺🇦 é", "é 🇺🇦 👋🏽 рим")]
    public async Task ReverseService_pythonSeedClientSendsTextWithoutNewline_answersReversed(string text, string expected)
    {
        await using var serve = await ServeProcess.StartAsync("reverse=127.0.0.1:0");

        // The seed's client sends the bare text and waits: the server answers after its pause.
        var client = await InteropScripts.RunAsync("reverse_client.py", "127.0.0.1", serve.Port("reverse").ToString(CultureInfo.InvariantCulture), text);

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Equal(expected + "\n", client.Stdout);
    }

    [Fact]
    public async Task ReverseCommand_againstPythonSeedServer_printsReversed()
    {
        var (server, port) = await InteropScripts.StartServerAsync("reverse_server.py", "0");
        await using var _ = server;

        var reverse = await NetkitCli.RunAsync("reverse", $"127.0.0.1:{port}", "ПАЛИНДРОМ");

        Assert.True(reverse.ExitCode == 0, reverse.ToString());
        Assert.Equal("МОРДНИЛАП\n", reverse.Stdout);
        await server.WaitForLineAsync(l => l.StartsWith("Отправлено 127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "\"Отправлено ...\"");
    }

    [Fact]
    public async Task ReverseCommand_linesOnStdinAgainstPythonSeedServer_printsEachReversed()
    {
        var (server, port) = await InteropScripts.StartServerAsync("reverse_server.py", "0");
        await using var _ = server;

        var reverse = await NetkitCli.RunAsync(["reverse", "--server", $"127.0.0.1:{port}"], stdin: "ПАЛИНДРОМ\nabc\nдом\n");

        Assert.True(reverse.ExitCode == 0, reverse.ToString());
        Assert.Equal("МОРДНИЛАП\ncba\nмод\n", reverse.Stdout);
    }
}
