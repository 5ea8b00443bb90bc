using System.Text;
using System.Text.RegularExpressions;
using NetKit.Net;
using NetKit.Telnet;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.BadServers;

/// <summary>
/// TelnetClient against scripted servers that stall, never prompt, cut negotiation, storm it, loop
/// it, never end a subnegotiation, or send a line without end. ReadUntil/Expect end in
/// <see cref="TimeoutException"/> (nothing came in time; what came stays buffered) or
/// <see cref="TelnetException"/> (the server closed, broke, or sent more than MaxBufferedText),
/// each naming the server; negotiation is answered at most once per request.
/// </summary>
public sealed class TelnetClientBadServerTests
{
    private const byte Iac = 255, Will = 251, Wont = 252, Do = 253, Dont = 254, Sb = 250, Se = 240, TerminalType = 24, Echo = 1;
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    private static Task<TelnetClient> ConnectAsync(ScriptedPeer peer, TelnetClientOptions? options = null) =>
        TelnetClient.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", peer.Port), options).WaitAsync(TimeSpan.FromSeconds(20));

    private static Task<string> PromptAsync(TelnetClient client) => client.ReadUntilAsync("login: ", TimeSpan.FromSeconds(10)).WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task SilentServerReadUntilTimesOutNamingTheServer()
    {
        await using var peer = new ScriptedPeer().StallForever().Start();
        await using var client = await ConnectAsync(peer);
        var ex = await NoHang.ThrowsAsync<TimeoutException>(() => client.ReadUntilAsync("login:", Short));
        Assert.Contains($"\"login:\" did not arrive from 127.0.0.1:{peer.Port}", ex.Message);
    }

    [Fact]
    public async Task PromptThatNeverComesTimesOutAndKeepsWhatCame()
    {
        await using var peer = new ScriptedPeer().Line("Welcome to a box that never asks").StallForever().Start();
        await using var client = await ConnectAsync(peer);
        // The banner first, with room for a loaded machine; only then the short wait, so it cannot race the banner.
        Assert.Equal("Welcome", await client.ReadUntilAsync("Welcome", TimeSpan.FromSeconds(15)).WaitAsync(TimeSpan.FromSeconds(20)));
        var ex = await NoHang.ThrowsAsync<TimeoutException>(() => client.ExpectAsync([new Regex("login:"), new Regex("[Pp]assword:")], Short));
        Assert.Contains("none of", ex.Message);
        Assert.Equal(" to a box that never asks\r\n", client.ReadAvailable());
    }

    [Fact]
    public async Task CloseMidLineBeforeThePromptIsATelnetException()
    {
        await using var peer = new ScriptedPeer().Send("Welcome\r\nlog").Close().Start();
        await using var client = await ConnectAsync(peer);
        var ex = await NoHang.ThrowsAsync<TelnetException>(() => client.ReadUntilAsync("login:", TimeSpan.FromSeconds(10)));
        Assert.Contains($"127.0.0.1:{peer.Port} closed the connection before \"login:\"", ex.Message);
    }

    [Fact]
    public async Task CloseDuringNegotiationIsATelnetException()
    {
        // Asks for TTYPE and offers ECHO, opens a subnegotiation and hangs up inside it.
        await using var peer = new ScriptedPeer().Send([Iac, Do, TerminalType, Iac, Will, Echo, Iac, Sb, TerminalType, 1]).Close().Start();
        await using var client = await ConnectAsync(peer);
        var ex = await NoHang.ThrowsAsync<TelnetException>(() => client.ReadUntilAsync("login:", TimeSpan.FromSeconds(10)));
        Assert.Contains($"127.0.0.1:{peer.Port}", ex.Message);
    }

    [Fact]
    public async Task IacAtTheEndOfTheStreamIsDropped()
    {
        await using var peer = new ScriptedPeer().Send([.. "bye"u8, Iac]).Close().Start();
        await using var client = await ConnectAsync(peer);
        Assert.Equal("bye", await client.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        await NoHang.ThrowsAsync<TelnetException>(() => client.ReadUntilAsync("more", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NegotiationStormIsAnsweredOncePerRequestAndThePromptStillArrives()
    {
        // 10,000 requests for options nobody agreed to (DO and WILL, each option 50 times of each), then the prompt.
        var storm = new List<byte>();
        for (var round = 0; round < 100; round++)
        {
            for (var option = 100; option < 200; option++)
            {
                storm.AddRange([Iac, round % 2 == 0 ? Do : Will, (byte)option]);
            }
        }

        await using var peer = new ScriptedPeer().Send([.. storm]).Send("login: ").StallForever().Start();
        var trace = new StringWriter();
        await using var client = await ConnectAsync(peer, new TelnetClientOptions { Trace = new WireTrace(trace, TraceRole.Client) });
        Assert.Equal("login: ", await PromptAsync(client));
        Assert.Equal(5000, Sent(trace, "IAC WONT"));
        Assert.Equal(5000, Sent(trace, "IAC DONT"));
        Assert.DoesNotContain(Enumerable.Range(100, 100), o => client.Channel.Negotiator.IsEnabled(TelnetSide.Local, (byte)o) || client.Channel.Negotiator.IsEnabled(TelnetSide.Remote, (byte)o));
    }

    [Fact]
    public async Task WillWontFlipFlopSettlesWithoutALoop()
    {
        // The server turns ECHO on and off 500 times: each change is acknowledged once, none is echoed back as a new request.
        var flips = Enumerable.Range(0, 1000).SelectMany(i => new[] { Iac, i % 2 == 0 ? Will : Wont, Echo }).ToArray();
        await using var peer = new ScriptedPeer().Send(flips).Send("login: ").StallForever().Start();
        var trace = new StringWriter();
        await using var client = await ConnectAsync(peer, new TelnetClientOptions { Trace = new WireTrace(trace, TraceRole.Client) });
        Assert.Equal("login: ", await PromptAsync(client));
        Assert.False(client.ServerEchoes);
        Assert.Equal(500, Sent(trace, "IAC DO ECHO"));
        Assert.Equal(500, Sent(trace, "IAC DONT ECHO"));
    }

    [Fact]
    public async Task ServerThatAsksAgainAfterEveryRefusalGetsOneAnswerPerAsk()
    {
        // A DO/WILL loop: the server answers each WONT with the same DO. The client never starts a round itself.
        const int Rounds = 300;
        var answered = 0;
        await using var peer = new ScriptedPeer().Send([Iac, Do, 99]).Step(async (s, ct) =>
        {
            var reply = new byte[3];
            for (var round = 0; round < Rounds; round++)
            {
                await s.Stream.ReadExactlyAsync(reply, ct);
                Assert.Equal([Iac, Wont, 99], reply);
                Interlocked.Increment(ref answered);
                await s.Stream.WriteAsync(new byte[] { Iac, Do, 99 }, ct);
            }

            await s.Stream.ReadExactlyAsync(reply, ct);
            Interlocked.Increment(ref answered);
            await s.Stream.WriteAsync("login: "u8.ToArray(), ct);
        }).StallForever().Start();
        await using var client = await ConnectAsync(peer);
        Assert.Equal("login: ", await PromptAsync(client));
        Assert.Equal(Rounds + 1, Volatile.Read(ref answered));
    }

    [Fact]
    public async Task EndlessSubnegotiationIsDroppedWithBoundedMemoryAndTheSessionGoesOn()
    {
        // 2 MB inside one SB: the parser keeps 1 KB (MaxSubnegotiation) and drops the rest; the prompt after SE is data again.
        var sb = new byte[2 * 1024 * 1024];
        Array.Fill(sb, (byte)'x');
        await using var peer = new ScriptedPeer().Send([Iac, Sb, TerminalType, .. sb]).Send([Iac, Se, .. "login: "u8]).StallForever().Start();
        await using var client = await ConnectAsync(peer);
        Assert.Equal("login: ", await PromptAsync(client));
        Assert.Equal(1, client.Channel.DroppedSubnegotiations);
    }

    [Fact]
    public async Task SubnegotiationWithoutSeSwallowsThePromptAndReadUntilTimesOut()
    {
        // Everything after an unended SB is its payload, the prompt too: the client cannot see it, and says so in time.
        // The peer then closes, so the end proves every byte arrived and none of it became text.
        await using var peer = new ScriptedPeer().Send([Iac, Sb, TerminalType, .. new byte[100_000], .. "login: "u8]).Expect().Close().Start();
        await using var client = await ConnectAsync(peer);
        await NoHang.ThrowsAsync<TimeoutException>(() => client.ReadUntilAsync("login:", Short));
        Assert.Equal("", client.ReadAvailable());
        await client.WriteLineAsync("done");
        Assert.Equal("", await client.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task GiganticLineWithoutNewlineFailsExpectAtMaxBufferedTextAndKeepsTheText()
    {
        // Was unbounded: the text buffer grew for as long as the server sent. Now the client stops reading at
        // the limit; Expect, which can never match, says so; the text stays there to take, and the connection stays open.
        await using var peer = new ScriptedPeer().Step(async (s, ct) =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
            while (true)
            {
                await s.Stream.WriteAsync(chunk, ct);
            }
        }).Start();
        await using var client = await ConnectAsync(peer, new TelnetClientOptions { MaxBufferedText = 256 * 1024 });
        var ex = await NoHang.ThrowsAsync<TelnetException>(() => client.ReadUntilAsync("\n", TimeSpan.FromSeconds(10)));
        Assert.Contains($"127.0.0.1:{peer.Port} sent 262144 characters that were not read without \"\\n\"", ex.Message);
        Assert.Contains("MaxBufferedText", ex.Message);
        Assert.False(client.IsClosed);
        Assert.Equal(new string('x', 256 * 1024), client.ReadAvailable());
        Assert.Equal("x", await client.ReadUntilAsync("x", TimeSpan.FromSeconds(10)).WaitAsync(TimeSpan.FromSeconds(20)));
        var end = await NoHang.ThrowsAsync<TelnetException>(() => client.ReadToEndAsync());
        Assert.Contains("without the end of the stream", end.Message);
    }

    [Fact]
    public async Task SlowConsumerOfAStreamLargerThanMaxBufferedTextGetsEveryByte()
    {
        // 1 MiB of numbered lines through a 16 Ki buffer, read a little at a time: the server is held back by
        // TCP while the buffer is full, nothing is dropped, and the end is the server's close, not the limit.
        var lines = Enumerable.Range(0, 1 << 15).Select(i => $"{i:D30}\r\n").ToArray();
        var sent = string.Concat(lines);
        await using var peer = new ScriptedPeer().Send(sent).Close().Start();
        await using var client = await ConnectAsync(peer, new TelnetClientOptions { MaxBufferedText = 16 * 1024 });
        var got = new StringBuilder();
        var reads = 0;
        while (await client.ReadSomeAsync().WaitAsync(TimeSpan.FromSeconds(20)) is { Length: > 0 } text)
        {
            Assert.InRange(text.Length, 1, 16 * 1024);
            got.Append(text);
            if (++reads % 8 == 0)
            {
                await Task.Delay(1); // a consumer slower than the wire: the buffer fills between reads
            }
        }

        Assert.Equal(sent.Length, got.Length);
        Assert.Equal(sent, got.ToString());
        Assert.True(client.IsClosed);
    }

    [Fact]
    public void MaxBufferedTextMustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TelnetClientOptions { MaxBufferedText = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TelnetClientOptions { MaxBufferedText = -1 });
        Assert.Equal(16 * 1024 * 1024, new TelnetClientOptions().MaxBufferedText);
    }

    [Fact]
    public async Task InvalidUtf8AndNulAreReplacedOrKeptNotThrown()
    {
        await using var peer = new ScriptedPeer().Send([0xC3, 0x28, 0x80, 0x00, .. "login: "u8]).StallForever().Start();
        await using var client = await ConnectAsync(peer);
        Assert.Equal("\uFFFD(\uFFFD\0login: ", await PromptAsync(client));
    }

    [Fact]
    public async Task ResetMidTextIsATelnetExceptionAndSoIsTheNextWrite()
    {
        // The reset waits for a line from us, so it cannot race the connect.
        await using var peer = new ScriptedPeer().Expect().Send("Welcome\r\n").Reset().Start();
        await using var client = await ConnectAsync(peer);
        await client.WriteLineAsync("hello");
        var ex = await NoHang.ThrowsAsync<TelnetException>(() => client.ReadUntilAsync("login:", TimeSpan.FromSeconds(10)));
        Assert.Contains($"127.0.0.1:{peer.Port}", ex.Message);
        var write = await NoHang.ThrowsAsync<TelnetException>(async () => await client.WriteLineAsync("root"));
        Assert.Contains($"cannot send to 127.0.0.1:{peer.Port}", write.Message);
    }

    [Fact]
    public async Task ServerThatResetsAtOnceFailsConnectOrTheFirstReadClearly()
    {
        // Where the reset lands is a race: in the connect itself (the transport's "cannot connect"), on our
        // first requests (DO ECHO, DO SGA), or on the first read. Each is a NetKitException naming the server.
        await using var peer = new ScriptedPeer().Reset().Start();
        var options = new TelnetClientOptions { RequestRemote = [TelnetOption.Echo, TelnetOption.SuppressGoAhead] };
        var ex = await NoHang.ThrowsAsync<NetKitException>(async () =>
        {
            await using var client = await TelnetClient.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", peer.Port), options);
            await client.ReadUntilAsync("login:", TimeSpan.FromSeconds(10));
        });
        Assert.Contains($"127.0.0.1:{peer.Port}", ex.Message);
    }

    [Fact]
    public async Task StartOnAConnectionAlreadyResetCannotNegotiate()
    {
        // Deterministic form of the race above: the reset has surely arrived (our read saw it) before StartAsync sends DO ECHO.
        // The peer resets only after a line from us, so the reset cannot land in the connect.
        await using var peer = new ScriptedPeer().Expect().Reset().Start();
        var connection = await NetConnection.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", peer.Port), TimeSpan.FromSeconds(10)).WaitAsync(TimeSpan.FromSeconds(20));
        await connection.WriteAsync("hello\r\n"u8.ToArray());
        await NoHang.ThrowsAsync<IOException>(async () => await connection.ReadAsync(new byte[16]));
        var options = new TelnetClientOptions { RequestRemote = [TelnetOption.Echo] };
        var ex = await NoHang.ThrowsAsync<TelnetException>(() => TelnetClient.StartAsync(connection, options));
        Assert.Contains($"cannot negotiate with 127.0.0.1:{peer.Port}", ex.Message);
    }

    private static int Sent(StringWriter trace, string what) =>
        trace.ToString().Split('\n').Count(line => line.TrimEnd('\r').StartsWith("C: " + what, StringComparison.Ordinal));

}
