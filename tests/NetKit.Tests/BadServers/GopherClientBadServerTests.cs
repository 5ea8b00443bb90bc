using System.Text;
using NetKit.Gopher;
using NetKit.Gopher.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.BadServers;

/// <summary>
/// GopherClient against scripted servers that stall, cut answers, lie in menu lines or never stop.
/// Gopher has no sizes and no status: an answer ends when the server closes, so a cut text or
/// binary is only what came (documented); a menu cut mid-line, silence, a reset and an answer past
/// MaxTextBytes are <see cref="NetKitException"/>s naming the server.
/// </summary>
public sealed class GopherClientBadServerTests
{
    // A short read timeout only where the server stalls on purpose; elsewhere a loaded machine must not turn success into a timeout.
    private static readonly GopherClientOptions Stalled = new() { ReadTimeout = TimeSpan.FromSeconds(1), MaxTextBytes = 64 * 1024 };
    private static readonly GopherClientOptions Patient = Stalled with { ReadTimeout = TimeSpan.FromSeconds(15) };

    /// <summary>Reads the selector line, then plays the rest of the script.</summary>
    private static ScriptedPeer Asked() => new ScriptedPeer().Expect();

    private static GopherUrl Url(ScriptedPeer peer, char type) => new("127.0.0.1", peer.Port, type, "/x");

    private static Task<NetKitException> FailsAsync(Func<Task> call) => NoHang.ThrowsAsync<NetKitException>(call);

    private static async Task<IReadOnlyList<GopherItem>> MenuAsync(ScriptedPeer peer) =>
        await new GopherClient(Patient).GetMenuAsync(Url(peer, '1')).WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task ServerSilentAfterTheSelectorTimesOut()
    {
        await using var peer = Asked().StallForever().Start();
        var ex = await FailsAsync(() => new GopherClient(Stalled).GetMenuAsync(Url(peer, '1')));
        Assert.Contains($"127.0.0.1:{peer.Port} sent nothing", ex.Message);
    }

    [Fact]
    public async Task MenuStalledMidwayTimesOut()
    {
        await using var peer = Asked().Send("1Docs\t/docs\t127.0.0.1\t70\r\n1Half\t/ha").StallForever().Start();
        var ex = await FailsAsync(() => new GopherClient(Stalled).GetMenuAsync(Url(peer, '1')));
        Assert.Contains("sent nothing", ex.Message);
    }

    [Fact]
    public async Task TextStalledMidwayTimesOut()
    {
        await using var peer = Asked().Send("first line\r\nsecond li").StallForever().Start();
        var ex = await FailsAsync(() => new GopherClient(Stalled).GetTextAsync(Url(peer, '0')));
        Assert.Contains("sent nothing", ex.Message);
    }

    [Fact]
    public async Task BinaryStalledMidwayTimesOut()
    {
        await using var peer = Asked().Send(new byte[5000]).StallForever().Start();
        var ex = await FailsAsync(() => new GopherClient(Stalled).DownloadAsync(Url(peer, '9'), Stream.Null));
        Assert.Contains("sent nothing", ex.Message);
    }

    [Fact]
    public async Task MenuCutMidLineByCloseIsAnError()
    {
        // Was taken as an item on host "127.0" port 0: the last line's fields were half there.
        await using var peer = Asked().Send("1Docs\t/docs\t127.0.0.1\t70\r\n1Cut\t/cut\t127.0").Close().Start();
        var ex = await FailsAsync(() => new GopherClient(Patient).GetMenuAsync(Url(peer, '1')));
        Assert.Contains("cut off mid-line", ex.Message);
        Assert.Contains($"127.0.0.1:{peer.Port}", ex.Message);
    }

    [Fact]
    public async Task MenuOfWholeLinesWithoutTheLoneDotIsTakenAsSent()
    {
        // Documented: loose servers end a menu at the close; every line is whole, so nothing is lost.
        await using var peer = Asked().Send("1Docs\t/docs\thost\t70\r\n0Read me\t/readme\thost\t70\r\n").Close().Start();
        Assert.Equal([new('1', "Docs", "/docs", "host", 70), new('0', "Read me", "/readme", "host", 70)], await MenuAsync(peer));
    }

    [Fact]
    public async Task TextCutByCloseIsWhatCame()
    {
        // Documented: Gopher text has no size, and servers such as Gophernicus send it raw, without the dot.
        await using var peer = Asked().Send("line one\r\nline tw").Close().Start();
        Assert.Equal("line one\nline tw\n", await new GopherClient(Patient).GetTextAsync(Url(peer, '0')).WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task BinaryCutByCloseIsTheBytesThatCame()
    {
        // Documented: a binary item ends at the close; the count is all a client can know.
        var bytes = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await using var peer = Asked().Send(bytes).Close().Start();
        using var copy = new MemoryStream();
        Assert.Equal(3000, await new GopherClient(Patient).DownloadAsync(Url(peer, '9'), copy).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task BinaryCutByAResetIsAnError()
    {
        await using var peer = Asked().Send(new byte[20_000]).Reset().Start();
        var ex = await FailsAsync(() => new GopherClient(Patient).DownloadAsync(Url(peer, '9'), Stream.Null));
        Assert.Contains($"connection to 127.0.0.1:{peer.Port} broke", ex.Message);
    }

    [Fact]
    public async Task MenuLinesWithWrongFieldCountsAbsurdPortsAndUnknownTypesAreKeptLeniently()
    {
        // Documented: missing fields are empty, a port that is not one is 0, an unknown type is kept as it came.
        await using var peer = Asked()
            .Line("1No fields at all")
            .Line("1Two\t/two")
            .Line("1Big port\t/b\thost\t99999")
            .Line("1Negative port\t/n\thost\t-70")
            .Line("1Port with junk\t/j\thost\t70abc")
            .Line("~Unknown type\t/u\thost\t70")
            .Line("1Six fields\t/s\thost\t70\t+\textra")
            .Line(".").Close().Start();
        Assert.Equal(
            [
                new('1', "No fields at all", "", "", 0),
                new('1', "Two", "/two", "", 0),
                new('1', "Big port", "/b", "host", 0),
                new('1', "Negative port", "/n", "host", 0),
                new('1', "Port with junk", "/j", "host", 0),
                new('~', "Unknown type", "/u", "host", 70),
                new('1', "Six fields", "/s", "host", 70),
            ],
            await MenuAsync(peer));
    }

    [Fact]
    public async Task InvalidUtf8AndNulInAMenuAreReplacedOrKeptNotThrown()
    {
        // Documented: bytes that are not UTF-8 become U+FFFD; NUL is a character like any other.
        var line = Encoding.UTF8.GetBytes("iBad ").Concat(new byte[] { 0xC3, 0x28, 0x80 }).Concat(Encoding.UTF8.GetBytes(" nul\0here\t\tnull.host\t1\r\n.\r\n")).ToArray();
        await using var peer = Asked().Send(line).Close().Start();
        var item = Assert.Single(await MenuAsync(peer));
        Assert.Equal("Bad \uFFFD(\uFFFD nul\0here", item.Display);
    }

    [Fact]
    public async Task EndlessMenuStopsAtMaxTextBytes()
    {
        await using var peer = Asked().Step(EndlessAsync("1Again\t/again\thost\t70\r\n")).Start();
        var ex = await FailsAsync(() => new GopherClient(Patient).GetMenuAsync(Url(peer, '1')));
        Assert.Contains("bigger than 65536 bytes", ex.Message);
    }

    [Fact]
    public async Task EndlessLineWithoutNewlineStopsAtMaxTextBytes()
    {
        await using var peer = Asked().Step(EndlessAsync(new string('x', 8192))).Start();
        var ex = await FailsAsync(() => new GopherClient(Patient).GetTextAsync(Url(peer, '0')));
        Assert.Contains("bigger than 65536 bytes", ex.Message);
    }

    [Fact]
    public async Task ErrorOnlyMenuIsTheServersNo()
    {
        await using var peer = Asked().Line("3'/x' does not exist\t\terror.host\t1").Line(".").Close().Start();
        var ex = await NoHang.ThrowsAsync<GopherErrorException>(() => new GopherClient(Patient).GetMenuAsync(Url(peer, '1')));
        Assert.Equal("'/x' does not exist", ex.ServerMessage);
    }

    [Fact]
    public async Task ErrorLineWithoutItsLineEndIsStillTheServersNo()
    {
        // The server closes right after its error line: that is its answer, not a menu cut mid-line.
        await using var peer = Asked().Send("3'/x' does not exist\t\terror.host\t1").Close().Start();
        var ex = await NoHang.ThrowsAsync<GopherErrorException>(() => new GopherClient(Patient).GetMenuAsync(Url(peer, '1')));
        Assert.Equal("'/x' does not exist", ex.ServerMessage);
    }

    [Fact]
    public async Task LastItemWithoutItsLineEndIsKeptWhenItIsWhole()
    {
        // All four fields and a real port: the server closed after the item instead of ending its line.
        await using var peer = Asked().Send("1Docs\t/docs\thost\t70\r\n0Read me\t/readme\thost\t7070").Close().Start();
        Assert.Equal([new('1', "Docs", "/docs", "host", 70), new('0', "Read me", "/readme", "host", 7070)], await MenuAsync(peer));
    }

    [Theory]
    [InlineData("0Read me\t/readme\thost\t")]
    [InlineData("0Read me\t/readme\thost\t0")]
    [InlineData("0Read me\t/readme\thost\t70000")]
    public async Task LastLineWithoutItsEndAndWithoutARealPortIsCut(string last)
    {
        await using var peer = Asked().Send("1Docs\t/docs\thost\t70\r\n" + last).Close().Start();
        var ex = await FailsAsync(() => new GopherClient(Patient).GetMenuAsync(Url(peer, '1')));
        Assert.Contains("cut off mid-line", ex.Message);
    }

    [Fact]
    public async Task ServerThatClosesAtOnceGivesAnEmptyMenu()
    {
        // Documented: nothing at all is an empty menu (an empty directory looks the same on the wire).
        await using var peer = Asked().Close().Start();
        Assert.Empty(await MenuAsync(peer));
    }

    [Fact]
    public async Task NobodyListeningIsAClearConnectError()
    {
        var port = LoopbackPorts.Free();
        var ex = await FailsAsync(() => new GopherClient(Patient).GetMenuAsync(new GopherUrl("127.0.0.1", port, '1', "/")));
        Assert.Contains("cannot connect", ex.Message);
    }


    /// <summary>Sends <paramref name="piece"/> again and again until the client goes.</summary>
    private static Func<ScriptedPeer.Session, CancellationToken, Task> EndlessAsync(string piece) => async (session, ct) =>
    {
        var bytes = Encoding.ASCII.GetBytes(piece);
        while (true)
        {
            await session.Stream.WriteAsync(bytes, ct);
        }
    };
}
