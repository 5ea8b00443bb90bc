using System.Net;
using System.Text;
using NetKit.Gopher;
using NetKit.Gopher.Client;
using NetKit.Transport;

namespace NetKit.Tests.Gopher;

/// <summary>Our client against scripted servers: answers delivered whole or byte by byte, loose servers, silent ones.</summary>
public class GopherClientScriptedTests
{
    /// <summary>Serves one canned answer to every request; <paramref name="byteByByte"/> sends it one byte per write.</summary>
    private static StreamServer Serve(string answer, bool byteByByte = false, bool silent = false)
    {
        var server = new StreamServer("scripted", new IPEndPoint(IPAddress.Loopback, 0), async (connection, stopping) =>
        {
            using var reader = new LineReader(connection);
            await reader.ReadLineAsync(stopping);
            if (silent)
            {
                await Task.Delay(Timeout.Infinite, stopping);
            }

            var bytes = Encoding.UTF8.GetBytes(answer);
            if (!byteByByte)
            {
                await connection.WriteAsync(bytes, stopping);
                return;
            }

            foreach (var b in bytes)
            {
                await connection.WriteAsync(new[] { b }, stopping);
            }
        });
        server.Start();
        return server;
    }

    private static GopherUrl UrlOf(StreamServer server, char type) => new("127.0.0.1", ((IPEndPoint)server.LocalEndPoint!).Port, type, "/x");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetMenu_wholeOrByteByByte_sameItems(bool byteByByte)
    {
        await using var server = Serve("iHello\t\tnull.host\t1\r\n1Sub\t/sub\thost\t70\r\n0Dot\t.x\thost\t70\r\n.\r\n", byteByByte);
        var items = await new GopherClient().GetMenuAsync(UrlOf(server, '1'));
        Assert.Equal([GopherItem.Info("Hello"), new('1', "Sub", "/sub", "host", 70), new('0', "Dot", ".x", "host", 70)], items);
    }

    [Fact]
    public async Task GetMenu_looseServer_lfNoDotMissingFields()
    {
        await using var server = Serve("iInfo without fields\n1Sub\t/sub\thost\t70\n");
        var items = await new GopherClient().GetMenuAsync(UrlOf(server, '1'));
        Assert.Equal([new('i', "Info without fields", "", "", 0), new('1', "Sub", "/sub", "host", 70)], items);
    }

    [Fact]
    public async Task GetText_unstuffedServerWithoutDot_textAsSent()
    {
        // Gophernicus and others send text raw, with no lone dot: the client takes it to the close.
        await using var server = Serve("line one\n.dot line\nlast\n", byteByByte: true);
        Assert.Equal("line one\n.dot line\nlast\n", await new GopherClient().GetTextAsync(UrlOf(server, '0')));
    }

    [Fact]
    public async Task GetText_errorItemAnswer_serverErrorException()
    {
        await using var server = Serve("3Not here\t\terror.host\t1\r\n.\r\n");
        var error = await Assert.ThrowsAsync<GopherErrorException>(() => new GopherClient().GetTextAsync(UrlOf(server, '0')));
        Assert.Equal("Not here", error.ServerMessage);
    }

    [Fact]
    public async Task GetMenu_silentServer_readTimeoutNetKitException()
    {
        await using var server = Serve("", silent: true);
        var client = new GopherClient(new GopherClientOptions { ReadTimeout = TimeSpan.FromMilliseconds(200) });
        var error = await Assert.ThrowsAsync<NetKitException>(() => client.GetMenuAsync(UrlOf(server, '1')));
        Assert.Contains("sent nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetText_tooBig_clearError()
    {
        await using var server = Serve(new string('x', 5000));
        var client = new GopherClient(new GopherClientOptions { MaxTextBytes = 1000 });
        var error = await Assert.ThrowsAsync<NetKitException>(() => client.GetTextAsync(UrlOf(server, '0')));
        Assert.Contains("bigger than 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_requestAndMenuLines()
    {
        await using var server = Serve("1Sub\t/sub\thost\t70\r\n.\r\n");
        var log = new StringWriter();
        await new GopherClient(new GopherClientOptions { Trace = new WireTrace(log, TraceRole.Client) }).GetMenuAsync(UrlOf(server, '1'));
        Assert.Contains("C: /x", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("S: 1Sub", log.ToString(), StringComparison.Ordinal);
    }
}
