using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Telnet;

// Hostile and broken peers on a raw socket: the session survives where it can, and the server always keeps serving.
public class TelnetBadInputTests
{
    private const byte IAC = 255;
    private const byte SB = 250;
    private const byte SE = 240;
    private const byte WILL = 251;
    private const byte WONT = 252;
    private const byte DO = 253;
    private const byte DONT = 254;

    /// <summary>Sends <paramref name="bytes"/> while reading everything back, until <paramref name="marker"/> arrives; returns what arrived.</summary>
    private static async Task<string> SendAndReadUntilAsync(int port, byte[] bytes, string marker)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reading = Task.Run(async () =>
        {
            var received = new MemoryStream();
            var buffer = new byte[65536];
            while (!Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length).Contains(marker, StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (n == 0)
                {
                    break;
                }

                received.Write(buffer, 0, n);
            }

            return Encoding.Latin1.GetString(received.ToArray());
        });
        await socket.SendAsync(bytes, SocketFlags.None, deadline.Token);
        return await reading;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Line(string text) => Encoding.ASCII.GetBytes(text + "\r\n");

    private static async Task AssertServesAsync(TelnetHarness harness)
    {
        await using var client = await harness.ConnectToPromptAsync();
        await client.WriteLineAsync("reverse fine");
        Assert.Contains("enif", await client.ReadUntilAsync("enif", TelnetHarness.Wait), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NegotiationStorm_peerFlipsEveryOption_sessionStillAnswers()
    {
        await using var harness = TelnetHarness.Start();
        var storm = new List<byte>();
        for (var i = 0; i < 20_000; i++)
        {
            storm.AddRange([IAC, WILL, 1, IAC, WONT, 1, IAC, DO, 1, IAC, DONT, 1, IAC, DO, 24, IAC, WILL, 200, IAC, DONT, 3, IAC, DO, 3]);
        }

        var output = await SendAndReadUntilAsync(harness.Port, Concat([.. storm], Line("reverse storm")), "mrots");

        Assert.Contains("mrots", output, StringComparison.Ordinal);
        await AssertServesAsync(harness);
    }

    [Fact]
    public async Task HugeSubnegotiation_droppedWithoutBufferingAndSessionGoesOn()
    {
        await using var harness = TelnetHarness.Start();
        var huge = Concat([IAC, SB, 24, 0], Enumerable.Repeat((byte)'x', 2_000_000).ToArray(), [IAC, SE], Line("reverse after"));

        var output = await SendAndReadUntilAsync(harness.Port, huge, "retfa");

        Assert.Contains("retfa", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubnegotiationWithoutSe_nextCommandEndsItAndSessionGoesOn()
    {
        await using var harness = TelnetHarness.Start();
        var input = Concat([IAC, SB, 24, 0, (byte)'v', (byte)'t', IAC, WILL, 31], Line("reverse next"));

        var output = await SendAndReadUntilAsync(harness.Port, input, "txen");

        Assert.Contains("txen", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndlessSubnegotiationThenClose_serverKeepsServing()
    {
        await using var harness = TelnetHarness.Start();
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, harness.Port));
            await socket.SendAsync(Concat([IAC, SB, 39], Enumerable.Repeat((byte)'e', 1_000_000).ToArray()), SocketFlags.None);
        }

        await AssertServesAsync(harness);
    }

    [Theory]
    [InlineData(new byte[] { IAC })]
    [InlineData(new byte[] { IAC, DO })]
    [InlineData(new byte[] { IAC, SB })]
    [InlineData(new byte[] { IAC, SB, 24, 0, (byte)'a', IAC })]
    [InlineData(new byte[] { (byte)'r', (byte)'e', (byte)'\r' })]
    public async Task TruncatedSequenceThenClose_serverKeepsServing(byte[] truncated)
    {
        await using var harness = TelnetHarness.Start();
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, harness.Port));
            await socket.SendAsync(truncated, SocketFlags.None);
        }

        await AssertServesAsync(harness);
    }

    [Fact]
    public async Task BinaryDataInTextSession_ignoredOrAnsweredAndNextCommandWorks()
    {
        await using var harness = TelnetHarness.Start();
        var noise = new byte[64 * 1024];
        new Random(1184).NextBytes(noise);
        for (var i = 0; i < noise.Length; i++)
        {
            if (noise[i] == IAC)
            {
                noise[i] = 0;
            }
        }

        var output = await SendAndReadUntilAsync(harness.Port, Concat(noise, Line(""), Line("reverse clean")), "naelc");

        Assert.Contains("naelc", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IacIacInCommand_isDataByte255_answeredAsUnknownCommand()
    {
        await using var harness = TelnetHarness.Start();
        var input = Concat("x"u8.ToArray(), [IAC, IAC], Line(""), Line("reverse ok"));

        var output = await SendAndReadUntilAsync(harness.Port, input, "ko\r\n");

        Assert.Contains("unknown command", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AreYouThere_isAnswered()
    {
        await using var harness = TelnetHarness.Start();

        var output = await SendAndReadUntilAsync(harness.Port, [IAC, 246], "[yes]");

        Assert.Contains("[yes]", output, StringComparison.Ordinal);
    }
}
