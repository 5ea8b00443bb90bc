using System.Globalization;
using System.Text;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

/// <summary>Echo, discard, daytime, chargen and the reverse service's datagram and Unix sockets, under netkit serve, for the tests below.</summary>
public sealed class SimpleServicesFixture : ServeFixture
{
    public string ReverseUnixPath { get; } = ServeProcess.NewUnixPath("rev");

    public string ReverseUnixgramPath { get; } = ServeProcess.NewUnixPath("revg");

    protected override string[] Arguments =>
    [
        "echo=127.0.0.1:0", "echo=udp://127.0.0.1:0",
        "discard=127.0.0.1:0", "discard=udp://127.0.0.1:0",
        "daytime=127.0.0.1:0", "daytime=udp://127.0.0.1:0",
        "chargen=127.0.0.1:0", "chargen=udp://127.0.0.1:0",
        "reverse=udp://127.0.0.1:0", $"reverse=unix:{ReverseUnixPath}", $"reverse=unixgram:{ReverseUnixgramPath}",
    ];
}

// Real peers nobody here wrote (OpenBSD netcat, socat, Python's socket module) against the simple services.
public class SimpleServicesInteropTests(SimpleServicesFixture fixture) : IClassFixture<SimpleServicesFixture>
{
    private const string DaytimeFormat = "dddd, MMMM d, yyyy HH:mm:ss 'UTC'zzz";

    private string Port(string service, string scheme = "tcp") =>
        fixture.Serve.Port(service, scheme).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Echo_netcatTcp_sendsEveryByteBack()
    {
        const string text = "hello\nПривет, мир 👋🏽\n\nlast line without ending";

        // -N: shut down the socket's send side at the end of stdin; the server closes after echoing.
        var nc = await Run(PeerPrograms.Netcat, ["-N", "127.0.0.1", Port("echo")], text);

        Assert.Equal(text, nc.Stdout);
    }

    [Fact]
    public async Task Echo_netcatTcpLargeInput_sendsEveryByteBack()
    {
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i} строка\n"));

        var nc = await Run(PeerPrograms.Netcat, ["-N", "127.0.0.1", Port("echo")], text);

        Assert.True(text == nc.Stdout, $"echo returned {nc.Stdout.Length} chars for {text.Length}");
    }

    [Fact]
    public async Task Echo_socatTcp_sendsEveryByteBack()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "5", "-", $"TCP:127.0.0.1:{Port("echo")}"], "hi from socat\r\n");

        Assert.Equal("hi from socat\r\n", socat.Stdout);
    }

    [Fact]
    public async Task Echo_netcatUdp_sendsDatagramBack()
    {
        var nc = await Run(PeerPrograms.Netcat, ["-u", "-w", "2", "127.0.0.1", Port("echo", "udp")], "hello udp\n");

        Assert.Equal("hello udp\n", nc.Stdout);
    }

    [Fact]
    public async Task Echo_socatUdp_sendsDatagramBack()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "2", "-", $"UDP:127.0.0.1:{Port("echo", "udp")}"], "датаграмма\n");

        Assert.Equal("датаграмма\n", socat.Stdout);
    }

    [Fact]
    public async Task Echo_pythonUdpClient_sendsDatagramBack()
    {
        var python = await InteropScripts.RunAsync("datagram_client.py", "udp", "127.0.0.1", Port("echo", "udp"), "from python");

        Assert.True(python.ExitCode == 0, python.ToString());
        Assert.Equal("from python\n", python.Stdout);
    }

    [Fact]
    public async Task Discard_netcatSendsData_answersNothingAndCloses()
    {
        var text = string.Concat(Enumerable.Repeat("throw this away\n", 10_000));

        var nc = await Run(PeerPrograms.Netcat, ["-N", "127.0.0.1", Port("discard")], text);

        Assert.Equal("", nc.Stdout);
    }

    [Fact]
    public async Task Discard_socatUdp_answersNothing()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "1", "-", $"UDP:127.0.0.1:{Port("discard", "udp")}"], "nothing comes back\n");

        Assert.Equal("", socat.Stdout);
    }

    [Fact]
    public async Task Daytime_netcatTcp_printsCurrentTimeLineAndCloses()
    {
        var nc = await Run(PeerPrograms.Netcat, ["127.0.0.1", Port("daytime")], stdin: "");

        AssertDaytime(nc.Stdout);
    }

    [Fact]
    public async Task Daytime_socatUdp_printsCurrentTimeLine()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "2", "-", $"UDP:127.0.0.1:{Port("daytime", "udp")}"], "\n");

        AssertDaytime(socat.Stdout);
    }

    [Fact]
    public async Task Chargen_netcatTcp_firstLinesAreRfc864Pattern()
    {
        // nc reads until head has its bytes; the next write to the closed pipe ends nc.
        var sh = await Run("/bin/sh", ["-c", "\"$0\" \"$1\" \"$2\" </dev/null | head -c 370", PeerPrograms.Netcat, "127.0.0.1", Port("chargen")], stdin: null);

        var lines = sh.Stdout.Split("\r\n");
        Assert.True(lines.Length == 6, $"expected 5 CRLF lines, got: {sh}");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Rfc864Line(i), lines[i]);
        }
    }

    [Fact]
    public async Task Chargen_socatUdp_answersPrefixOfPattern()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "2", "-", $"UDP:127.0.0.1:{Port("chargen", "udp")}"], "\n");

        // RFC 864 over UDP: 0 to 512 characters of the pattern.
        Assert.InRange(socat.Stdout.Length, 0, 512);
        var cycle = string.Concat(Enumerable.Range(0, 8).Select(i => Rfc864Line(i) + "\r\n"));
        Assert.StartsWith(socat.Stdout, cycle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reverse_socatUdp_answersReversedWithSameEnding()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "2", "-", $"UDP:127.0.0.1:{Port("reverse", "udp")}"], "ПАЛИНДРОМ\n");

        Assert.Equal("МОРДНИЛАП\n", socat.Stdout);
    }

    [Fact]
    public async Task Reverse_pythonUdpClient_answersReversed()
    {
        var python = await InteropScripts.RunAsync("datagram_client.py", "udp", "127.0.0.1", Port("reverse", "udp"), "ПАЛИНДРОМ 👋🏽");

        Assert.True(python.ExitCode == 0, python.ToString());
        Assert.Equal("👋🏽 МОРДНИЛАП\n", python.Stdout);
    }

    [Fact]
    public async Task Reverse_socatUnixStream_answersEachLineWithItsEnding()
    {
        var socat = await Run(PeerPrograms.Socat, ["-t", "5", "-", $"UNIX-CONNECT:{fixture.ReverseUnixPath}"], "ПАЛИНДРОМ\nabc\r\nlast");

        Assert.Equal("МОРДНИЛАП\ncba\r\ntsal", socat.Stdout);
    }

    [Fact]
    public async Task Reverse_socatUnixDatagramWithOwnAddress_answersReversed()
    {
        var own = ServeProcess.NewUnixPath("socat");
        try
        {
            var socat = await Run(PeerPrograms.Socat, ["-t", "2", "-", $"UNIX-SENDTO:{fixture.ReverseUnixgramPath},bind={own}"], "дом\n");

            Assert.Equal("мод\n", socat.Stdout);
        }
        finally
        {
            File.Delete(own);
        }
    }

    [Fact]
    public async Task Reverse_pythonUnixDatagramClient_answersReversed()
    {
        var python = await InteropScripts.RunAsync("datagram_client.py", "unixgram", fixture.ReverseUnixgramPath, "ПАЛИНДРОМ");

        Assert.True(python.ExitCode == 0, python.ToString());
        Assert.Equal("МОРДНИЛАП\n", python.Stdout);
    }

    private static async Task<ProcessResult> Run(string program, string[] arguments, string? stdin)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, stdin, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Line <paramref name="n"/> of RFC 864's pattern: 72 printable characters starting n places after the space.</summary>
    private static string Rfc864Line(int n)
    {
        var line = new StringBuilder(72);
        for (var i = 0; i < 72; i++)
        {
            line.Append((char)(' ' + ((n + i) % 95)));
        }

        return line.ToString();
    }

    private static void AssertDaytime(string output)
    {
        Assert.EndsWith("\r\n", output, StringComparison.Ordinal);
        var line = output[..^2];
        Assert.DoesNotContain('\n', line);
        Assert.True(
            DateTimeOffset.TryParseExact(line, DaytimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var when),
            $"not a daytime line in \"{DaytimeFormat}\": \"{line}\"");
        Assert.InRange((DateTimeOffset.Now - when).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(2));
    }
}
