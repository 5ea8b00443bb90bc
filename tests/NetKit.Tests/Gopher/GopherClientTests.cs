using NetKit.Gopher;
using NetKit.Gopher.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Gopher;

/// <summary>Our client against our server.</summary>
public sealed class GopherClientTests : IAsyncLifetime
{
    private readonly GopherClient _client = new();
    private GopherHole _hole = null!;

    public async Task InitializeAsync() => _hole = await GopherHole.StartAsync();

    public async Task DisposeAsync() => await _hole.DisposeAsync();

    [Fact]
    public async Task GetMenu_root_itemsThatCanBeFollowed()
    {
        var menu = await _client.GetMenuAsync(_hole.Url('1', ""));
        var docs = Assert.Single(menu, i => i.Display == "docs");
        var inside = await _client.GetMenuAsync(docs.ToUrl());
        Assert.Equal(["needle.txt", "readme"], inside.Select(i => i.Display));
        Assert.All(inside, i => Assert.Equal('0', i.Type));
    }

    [Fact]
    public async Task GetText_trickyText_linesBackAsWritten()
    {
        var text = await _client.GetTextAsync(_hole.Url('0', "/tricky.txt"));
        Assert.Equal("first line\n.starts with a dot\n.\n..two dots\nünïcode line\nlast, no newline\n", text);
    }

    [Fact]
    public async Task Download_binary_byteExact()
    {
        var into = new MemoryStream();
        var count = await _client.DownloadAsync(_hole.Url('9', "/data.bin"), into);
        ByteAssert.Equal(GopherHole.Binary, into.ToArray());
        Assert.Equal(GopherHole.Binary.Length, count);
    }

    [Fact]
    public async Task Search_query_matchesAsMenu()
    {
        var results = await _client.SearchAsync(_hole.Url('7', GopherServerSearch), "needle");
        Assert.Equal("/docs/needle.txt", Assert.Single(results).Selector);
    }

    [Fact]
    public async Task Missing_menuTextOrBinary_serverErrorException()
    {
        var menu = await Assert.ThrowsAsync<GopherErrorException>(() => _client.GetMenuAsync(_hole.Url('1', "/nope")));
        Assert.Equal("'/nope' does not exist", menu.ServerMessage);
        await Assert.ThrowsAsync<GopherErrorException>(() => _client.GetTextAsync(_hole.Url('0', "/nope.txt")));
        await Assert.ThrowsAsync<GopherErrorException>(() => _client.DownloadAsync(_hole.Url('9', "/nope.bin"), new MemoryStream()));
    }

    [Fact]
    public async Task SelectorWithNewline_refusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetTextAsync(_hole.Url('0', "/a\r\nb")));
    }

    [Fact]
    public async Task NoServer_clearNetKitException()
    {
        var closedPort = _hole.Port;
        await _hole.DisposeAsync();
        _hole = await GopherHole.StartAsync();
        var error = await Assert.ThrowsAnyAsync<NetKitException>(() => _client.GetMenuAsync(new GopherUrl("127.0.0.1", closedPort, '1', "")));
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
    }

    private const string GopherServerSearch = NetKit.Gopher.Server.GopherServer.SearchSelector;
}
