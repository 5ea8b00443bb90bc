using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Net;
using NetKit.Services;
using NetKit.Transport;

namespace NetKit.Tests.Services;

/// <summary>Each service, served by the real transport on loopback, over TCP, UDP and Unix sockets.</summary>
public class ServicesOverSocketsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static string TempSocketPath() => Path.Combine(Path.GetTempPath(), $"nk-{Guid.NewGuid():N}.sock");

    private static Task<StreamServer> StartStreamAsync(string name, EndPoint where)
    {
        var server = new StreamServer(name, where, ServiceCatalog.Find(name)!.StreamHandler!);
        server.Start();
        return Task.FromResult(server);
    }

    private static DatagramServer StartDatagram(string name, EndPoint where)
    {
        var server = new DatagramServer(name, where, ServiceCatalog.Find(name)!.DatagramHandler!);
        server.Start();
        return server;
    }

    private static NetEndpoint Tcp(EndPoint e) => NetEndpoint.Tcp("127.0.0.1", ((IPEndPoint)e).Port);

    private static NetEndpoint Udp(EndPoint e) => NetEndpoint.Udp("127.0.0.1", ((IPEndPoint)e).Port);

    private static async Task<byte[]> ExchangeDatagramAsync(EndPoint server, byte[] payload)
    {
        using var client = DatagramClient.Open(server);
        await client.SendAsync(payload);
        var buffer = new byte[DatagramServer.MaxDatagramSize];
        var n = await client.ReceiveAsync(buffer);
        return buffer[..n];
    }

    [Fact]
    public async Task Greeting_tcp_saysThankYouAndCloses()
    {
        await using var server = await StartStreamAsync("greeting", new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Equal("Thank you for connecting\r\n", await GreetingClient.ReadAsync(Tcp(server.LocalEndPoint!)).WaitAsync(Limit));
    }

    [Fact]
    public async Task Greeting_unixSocket_saysThankYou()
    {
        var path = TempSocketPath();
        await using var server = await StartStreamAsync("greeting", new UnixDomainSocketEndPoint(path));
        Assert.Equal("Thank you for connecting\r\n", await GreetingClient.ReadAsync(NetEndpoint.Unix(path)).WaitAsync(Limit));
    }

    [Theory]
    [InlineData("ПАЛИНДРОМ", "МОРДНИЛАП")]
    [InlineData("e\u0301t\U0001F1EE\U0001F1F9", "\U0001F1EE\U0001F1F9te\u0301")]
    public async Task Reverse_allTransports_answerTheSame(string text, string expected)
    {
        var path = TempSocketPath();
        var dgramPath = TempSocketPath();
        await using var tcp = await StartStreamAsync("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        await using var udp = StartDatagram("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        await using var unix = await StartStreamAsync("reverse", new UnixDomainSocketEndPoint(path));
        await using var unixgram = StartDatagram("reverse", new UnixDomainSocketEndPoint(dgramPath));
        foreach (var endpoint in new[] { Tcp(tcp.LocalEndPoint!), Udp(udp.LocalEndPoint!), NetEndpoint.Unix(path), NetEndpoint.Unix(dgramPath, datagram: true) })
        {
            await using var client = await ReverseClient.ConnectAsync(endpoint);
            Assert.Equal(expected, await client.ReverseAsync(text).WaitAsync(Limit));
            Assert.Equal(text, await client.ReverseAsync(expected).WaitAsync(Limit));
        }
    }

    [Fact]
    public async Task Reverse_lineEndings_areMirrored_andALastUnendedLineIsAnsweredAtTheEnd()
    {
        await using var server = await StartStreamAsync("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await client.WriteAsync("abc\ndef\r\nghi"u8.ToArray());
        client.ShutdownSend();
        var expected = "cba\nfed\r\nihg"u8.ToArray();
        var received = new byte[expected.Length];
        await client.Stream.ReadExactlyAsync(received).AsTask().WaitAsync(Limit);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(received));
    }

    [Fact]
    public async Task Reverse_invalidUtf8AndOverlongLine_getErrorLines_andTheConnectionGoesOn()
    {
        await using var server = await StartStreamAsync("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        using var reader = new LineReader(client);
        await client.WriteAsync(new byte[] { 0x41, 0xFF, 0xFE, 0x0A });
        Assert.Equal("error: invalid UTF-8 at byte 1 (0xFF)", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
        await client.WriteAsync(Encoding.ASCII.GetBytes(new string('x', 9000) + "\r\n"));
        Assert.Equal("error: line longer than 8192 bytes", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
        await client.WriteAsync(Encoding.ASCII.GetBytes(new string('y', 9000) + "\n"));
        var lf = await reader.ReadLineAsync().AsTask().WaitAsync(Limit);
        Assert.Equal(("error: line longer than 8192 bytes", LineEnding.Lf), (lf.Text, lf.Ending));
        await client.WriteAsync("still here\r\n"u8.ToArray());
        Assert.Equal("ereh llits", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
    }

    [Fact]
    public async Task Reverse_lineCutInsideACharacterAcrossAPause_isAnsweredOnce()
    {
        await using var server = await StartStreamAsync("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        using var reader = new LineReader(client);
        var line = Encoding.UTF8.GetBytes("ПАЛИНДРОМ\n");
        // First line: cut inside П's two bytes; the pause must not answer half a character.
        await client.WriteAsync(line.AsMemory(0, 1));
        await Task.Delay(ReverseService.PartialLinePause * 2);
        await client.WriteAsync(line.AsMemory(1));
        Assert.Equal("МОРДНИЛАП", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
        // Once the client has ended a line, a pause is just a pause.
        await client.WriteAsync(line.AsMemory(0, 5));
        await Task.Delay(ReverseService.PartialLinePause * 2);
        await client.WriteAsync(line.AsMemory(5));
        Assert.Equal("МОРДНИЛАП", (await reader.ReadLineAsync().AsTask().WaitAsync(Limit)).Text);
    }

    [Fact]
    public async Task ReverseAsync_textWhoseReverseLooksLikeAnError_isNotAnError()
    {
        await using var server = await StartStreamAsync("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = await ReverseClient.ConnectAsync(Tcp(server.LocalEndPoint!));
        Assert.Equal("error: x", await client.ReverseAsync("x :rorre").WaitAsync(Limit));
    }

    [Fact]
    public async Task Reverse_udpInvalidUtf8_answersWithAnError()
    {
        await using var server = StartDatagram("reverse", new IPEndPoint(IPAddress.Loopback, 0));
        var answer = await ExchangeDatagramAsync(server.LocalEndPoint!, [0xC3, 0x28, 0x0A]);
        Assert.Equal("error: invalid UTF-8 at byte 0 (0xC3)\n", Encoding.UTF8.GetString(answer));
    }

    [Fact]
    public async Task Echo_tcp_returnsEveryByte_ofALargeTransfer()
    {
        await using var server = await StartStreamAsync("echo", new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(data);
        var send = Task.Run(async () =>
        {
            await client.WriteAsync(data);
            client.ShutdownSend();
        });
        var back = new MemoryStream();
        await client.Stream.CopyToAsync(back).WaitAsync(TimeSpan.FromSeconds(30));
        await send;
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    public async Task Echo_udp_returnsTheDatagram()
    {
        await using var server = StartDatagram("echo", new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Equal("ping\n"u8.ToArray(), await ExchangeDatagramAsync(server.LocalEndPoint!, "ping\n"u8.ToArray()));
    }

    [Fact]
    public async Task Discard_tcp_answersNothing_andClosesWhenTheClientDoes()
    {
        await using var server = await StartStreamAsync("discard", new IPEndPoint(IPAddress.Loopback, 0));
        await using var client = await NetConnection.ConnectAsync(server.LocalEndPoint!);
        await client.WriteAsync(new byte[100_000]);
        client.ShutdownSend();
        Assert.Equal(0, await client.ReadAsync(new byte[10]).AsTask().WaitAsync(Limit));
    }

    [Fact]
    public async Task Daytime_tcpAndUdp_sendTodaysDate()
    {
        await using var tcp = await StartStreamAsync("daytime", new IPEndPoint(IPAddress.Loopback, 0));
        await using var udp = StartDatagram("daytime", new IPEndPoint(IPAddress.Loopback, 0));
        var year = DateTime.Now.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var overTcp = await GreetingClient.ReadAsync(Tcp(tcp.LocalEndPoint!)).WaitAsync(Limit);
        Assert.Matches(@"^\w+day, \w+ \d{1,2}, \d{4} \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d\r\n$", overTcp);
        Assert.Contains(year, overTcp);
        var overUdp = Encoding.ASCII.GetString(await ExchangeDatagramAsync(udp.LocalEndPoint!, [0]));
        Assert.Contains(year, overUdp);
    }

    [Fact]
    public async Task Chargen_tcp_streamsThePattern_untilTheClientLeaves()
    {
        await using var server = await StartStreamAsync("chargen", new IPEndPoint(IPAddress.Loopback, 0));
        await using (var client = await NetConnection.ConnectAsync(server.LocalEndPoint!))
        {
            var received = new byte[ChargenService.Cycle.Length * 3];
            await client.Stream.ReadExactlyAsync(received).AsTask().WaitAsync(Limit);
            Assert.Equal(ChargenService.Cycle.ToArray(), received[..ChargenService.Cycle.Length]);
            Assert.Equal(ChargenService.Cycle.ToArray(), received[(2 * ChargenService.Cycle.Length)..]);
        }

        await Transport.StreamServerTests.WaitUntilAsync(() => server.ActiveConnections == 0);
    }

    [Fact]
    public async Task Chargen_udp_answersUpTo512Characters()
    {
        await using var server = StartDatagram("chargen", new IPEndPoint(IPAddress.Loopback, 0));
        for (var i = 0; i < 5; i++)
        {
            var answer = await ExchangeDatagramAsync(server.LocalEndPoint!, [1]);
            Assert.InRange(answer.Length, 0, 512);
            Assert.Equal(ChargenService.Cycle[..answer.Length].ToArray(), answer);
        }
    }

    [Fact]
    public async Task DatagramServer_handlerFails_nextDatagramIsStillServed()
    {
        var calls = 0;
        await using var server = new DatagramServer("flaky", new IPEndPoint(IPAddress.Loopback, 0), async (d, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("bug");
            }

            await d.ReplyAsync(d.Payload, ct);
        });
        server.Start();
        using var client = DatagramClient.Open(server.LocalEndPoint!);
        await client.SendAsync("first"u8.ToArray());
        await client.SendAsync("second"u8.ToArray());
        var buffer = new byte[100];
        var n = await client.ReceiveAsync(buffer);
        Assert.Equal("second", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task DatagramClient_nobodyListening_failsClearly()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();
        using var client = DatagramClient.Open(new IPEndPoint(IPAddress.Loopback, port));
        client.ReceiveTimeout = TimeSpan.FromSeconds(2);
        await client.SendAsync("x"u8.ToArray());
        // On loopback the kernel's ICMP "port unreachable" comes back as a refusal.
        var error = await Assert.ThrowsAsync<NetKitException>(async () => await client.ReceiveAsync(new byte[10]));
        Assert.Contains("nothing listens", error.Message);
    }
}
