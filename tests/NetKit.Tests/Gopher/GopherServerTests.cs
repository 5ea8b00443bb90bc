using System.Text;
using NetKit.Gopher;
using NetKit.Tests.Support;

namespace NetKit.Tests.Gopher;

/// <summary>Our server on the wire: what a raw client sends and gets back, byte for byte.</summary>
public sealed class GopherServerTests : IAsyncLifetime
{
    private GopherHole _hole = null!;

    public async Task InitializeAsync() => _hole = await GopherHole.StartAsync(o => o with { RequestTimeout = TimeSpan.FromSeconds(1.5) });

    public async Task DisposeAsync() => await _hole.DisposeAsync();

    [Fact]
    public async Task Root_noMap_directoriesThenFilesThenSearch()
    {
        var port = _hole.Port;
        var menu = await GopherWire.RequestTextAsync(port, "\r\n");
        Assert.Equal(
            $"1docs\t/docs\t127.0.0.1\t{port}\r\n" +
            $"1mapped\t/mapped\t127.0.0.1\t{port}\r\n" +
            $"9data.bin\t/data.bin\t127.0.0.1\t{port}\r\n" +
            $"0inside-link.txt\t/inside-link.txt\t127.0.0.1\t{port}\r\n" +
            $"hpage.html\t/page.html\t127.0.0.1\t{port}\r\n" +
            $"gpicture.gif\t/picture.gif\t127.0.0.1\t{port}\r\n" +
            $"0tricky.txt\t/tricky.txt\t127.0.0.1\t{port}\r\n" +
            $"7Search this server\t/.search\t127.0.0.1\t{port}\r\n" +
            ".\r\n",
            menu);
    }

    [Fact]
    public async Task Directory_withGophermap_mapThenListing()
    {
        var port = _hole.Port;
        var menu = await GopherWire.RequestTextAsync(port, "/mapped\r\n");
        Assert.Equal(
            "iA mapped menu\t\tnull.host\t1\r\n" +
            "iplain info line\t\tnull.host\t1\r\n" +
            $"0Relative link\t/mapped/note.txt\t127.0.0.1\t{port}\r\n" +
            $"1Absolute link\t/docs\t127.0.0.1\t{port}\r\n" +
            "1Elsewhere\t/\tgopher.example.org\t70\r\n" +
            $"hWeb\tURL:https://example.org/\t127.0.0.1\t{port}\r\n" +
            $"0listed.txt\t/mapped/listed.txt\t127.0.0.1\t{port}\r\n" +
            $"0note.txt\t/mapped/note.txt\t127.0.0.1\t{port}\r\n" +
            ".\r\n",
            menu);
    }

    [Fact]
    public async Task TextFile_dotStuffedCrLfAndLoneDot()
    {
        var wire = await GopherWire.RequestAsync(_hole.Port, "/tricky.txt\r\n"u8.ToArray());
        ByteAssert.Equal(GopherText.Encode(GopherHole.TrickyText), wire);
    }

    [Fact]
    public async Task BinaryFile_rawByteExact()
    {
        var wire = await GopherWire.RequestAsync(_hole.Port, "/data.bin\r\n"u8.ToArray());
        ByteAssert.Equal(GopherHole.Binary, wire);
    }

    [Fact]
    public async Task Request_bareLfAndNoLineEnding_answered()
    {
        Assert.StartsWith("a note", await GopherWire.RequestTextAsync(_hole.Port, "/mapped/note.txt\n"), StringComparison.Ordinal);
        Assert.StartsWith("a note", await GopherWire.RequestTextAsync(_hole.Port, "/mapped/note.txt", closeSend: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_wordsInNameOrContent_menuOfMatches()
    {
        var port = _hole.Port;
        Assert.Equal($"0/docs/needle.txt\t/docs/needle.txt\t127.0.0.1\t{port}\r\n.\r\n", await GopherWire.RequestTextAsync(port, "/.search\tneedle HAYSTACK\r\n"));
        Assert.Equal($"1/docs\t/docs\t127.0.0.1\t{port}\r\n.\r\n", await GopherWire.RequestTextAsync(port, "/.search\tdocs\r\n"));
        Assert.StartsWith("iNothing matches", await GopherWire.RequestTextAsync(port, "/.search\tSECRET\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("3", await GopherWire.RequestTextAsync(port, "/.search\r\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/../outside/secret.txt")]
    [InlineData("../outside/secret.txt")]
    [InlineData("/escape/secret.txt")]
    [InlineData("/secret-link.txt")]
    [InlineData("/%2e%2e/outside/secret.txt")]
    [InlineData("..%2foutside%2fsecret.txt")]
    [InlineData("\\..\\outside\\secret.txt")]
    [InlineData("/.hidden")]
    [InlineData("/nothing")]
    [InlineData("/tricky.txt\u0000")]
    [InlineData("/tricky.txt\r/x")]
    public async Task Escape_anyForm_errorItemAndNothingLeaks(string selector)
    {
        var answer = await GopherWire.RequestTextAsync(_hole.Port, selector + "\r\n");
        Assert.StartsWith("3", answer, StringComparison.Ordinal);
        Assert.EndsWith("\terror.host\t1\r\n.\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", answer.Replace(selector, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_absolutePathOutside_errorItem()
    {
        var secret = Path.Combine(_hole.Outside, "secret.txt");
        var answer = await GopherWire.RequestTextAsync(_hole.Port, secret + "\r\n");
        Assert.StartsWith("3", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUtf8_errorItem()
    {
        var answer = Encoding.UTF8.GetString(await GopherWire.RequestAsync(_hole.Port, [(byte)'/', 0xFF, 0xFE, (byte)'\r', (byte)'\n']));
        Assert.StartsWith("3a selector must be UTF-8", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongSelector_errorItem()
    {
        var answer = await GopherWire.RequestTextAsync(_hole.Port, "/" + new string('a', 5000) + "\r\n");
        Assert.StartsWith("3selector too long", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TabInSelector_isTheSearchSeparator_selectorStillChecked()
    {
        // A tab ends the selector: what follows is a search string (or Gopher+), never part of a path.
        Assert.StartsWith("a note", await GopherWire.RequestTextAsync(_hole.Port, "/mapped/note.txt\t../../outside\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("3", await GopherWire.RequestTextAsync(_hole.Port, "/mapped\t/../note.txt\u0001\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentClient_errorItemAfterTimeoutThenClosed()
    {
        var answer = await GopherWire.RequestTextAsync(_hole.Port, "");
        Assert.StartsWith("3request timed out", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlSelector_htmlRedirectPage()
    {
        var answer = await GopherWire.RequestTextAsync(_hole.Port, "URL:https://example.org/?a=1&b=<2>\r\n");
        Assert.Contains("https://example.org/?a=1&amp;b=&lt;2&gt;", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThousandConcurrentRequests_allAnsweredInFull()
    {
        // This class's hole times out in 1.5 s, too soon for a thousand clients connecting at once.
        await using var hole = await GopherHole.StartAsync();
        var requests = Enumerable.Range(0, 1000).Select(i => GopherWire.RequestAsync(hole.Port, Encoding.UTF8.GetBytes(i % 2 == 0 ? "/data.bin\r\n" : "/tricky.txt\r\n")));
        var answers = await Task.WhenAll(requests);
        var text = GopherText.Encode(GopherHole.TrickyText);
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? GopherHole.Binary : text, answers[i]);
        }
    }
}
