using System.Text;
using NetKit.Gopher;

namespace NetKit.Tests.Gopher;

public class GopherCodecTests
{
    [Fact]
    public void ToMenuLine_item_fieldsSeparatedByTabs()
    {
        var item = new GopherItem('0', "About", "/about.txt", "example.org", 70);
        Assert.Equal("0About\t/about.txt\texample.org\t70", item.ToMenuLine());
    }

    [Fact]
    public void ToMenuLine_tabInDisplay_becomesSpace()
    {
        Assert.Equal("iA B C\t\tnull.host\t1", GopherItem.Info("A\tB\nC").ToMenuLine());
    }

    [Fact]
    public void ToMenuLine_tabInSelector_throws()
    {
        Assert.Throws<ArgumentException>(() => new GopherItem('0', "x", "/a\tb", "h", 70).ToMenuLine());
    }

    [Theory]
    [InlineData("1Docs\t/docs\tgopher.example.org\t7070", '1', "Docs", "/docs", "gopher.example.org", 7070)]
    [InlineData("iJust text", 'i', "Just text", "", "", 0)]
    [InlineData("0Gopher+ item\t/x\thost\t70\t+", '0', "Gopher+ item", "/x", "host", 70)]
    [InlineData("9Bad port\t/x\thost\tseventy", '9', "Bad port", "/x", "host", 0)]
    [InlineData("0Big port\t/x\thost\t99999", '0', "Big port", "/x", "host", 0)]
    public void TryParse_menuLine_readsFields(string line, char type, string display, string selector, string host, int port)
    {
        Assert.True(GopherItem.TryParse(line, out var item));
        Assert.Equal(new GopherItem(type, display, selector, host, port), item);
    }

    [Fact]
    public void TryParse_emptyLine_false()
    {
        Assert.False(GopherItem.TryParse("", out _));
    }

    [Fact]
    public void MenuFormatAndParse_roundTrip_sameItems()
    {
        GopherItem[] items = [GopherItem.Info("Hello"), new('1', "Docs", "/docs", "127.0.0.1", 7070), new('9', "Ünïcode.bin", "/Ünïcode.bin", "h", 70)];
        var wire = GopherMenu.Format(items);
        Assert.EndsWith("\r\n.\r\n", Encoding.UTF8.GetString(wire), StringComparison.Ordinal);
        Assert.Equal(items, GopherMenu.Parse(Encoding.UTF8.GetString(wire)));
    }

    [Fact]
    public void MenuParse_lfOnlyAndNoDot_stillParsed()
    {
        var items = GopherMenu.Parse("0A\t/a\th\t70\n\n1B\t/b\th\t70\n");
        Assert.Equal(["A", "B"], items.Select(i => i.Display));
    }

    [Fact]
    public void TextEncode_dotsAndLineEndings_stuffedAndTerminated()
    {
        var wire = Encoding.UTF8.GetString(GopherText.Encode(GopherHole.TrickyText));
        Assert.Equal("first line\r\n..starts with a dot\r\n..\r\n...two dots\r\nünïcode line\r\nlast, no newline\r\n.\r\n", wire);
    }

    [Fact]
    public void TextDecode_wireForm_originalLinesBack()
    {
        var wire = Encoding.UTF8.GetString(GopherText.Encode(GopherHole.TrickyText));
        Assert.Equal("first line\n.starts with a dot\n.\n..two dots\nünïcode line\nlast, no newline\n", GopherText.Decode(wire));
    }

    [Fact]
    public async Task CopyEncoded_byteByByte_sameAsWhole()
    {
        var whole = GopherText.Encode(GopherHole.TrickyText);
        var sent = new MemoryStream();
        var oneByteAtATime = new OneByteStream(GopherHole.TrickyText);
        var count = await GopherText.CopyEncodedAsync(oneByteAtATime, (data, ct) => sent.WriteAsync(data, ct), CancellationToken.None);
        Assert.Equal(whole, sent.ToArray());
        Assert.Equal(whole.Length, count);
    }

    [Theory]
    [InlineData("gopher://example.org", "example.org", 70, '1', "", null)]
    [InlineData("gopher://example.org/", "example.org", 70, '1', "", null)]
    [InlineData("gopher://example.org:7070/0/about.txt", "example.org", 7070, '0', "/about.txt", null)]
    [InlineData("gopher://[::1]:70/1/docs", "::1", 70, '1', "/docs", null)]
    [InlineData("gopher://h/7/.search%09two%20words", "h", 70, '7', "/.search", "two words")]
    [InlineData("gopher://h/0/%C3%BC.txt", "h", 70, '0', "/ü.txt", null)]
    [InlineData("localhost:7070/9/data.bin", "localhost", 7070, '9', "/data.bin", null)]
    [InlineData("gopher://h/7/s%09q%09%2B", "h", 70, '7', "/s", "q")]
    public void UrlParse_rfc4266Forms_read(string text, string host, int port, char type, string selector, string? search)
    {
        Assert.Equal(new GopherUrl(host, port, type, selector, search), GopherUrl.Parse(text));
    }

    [Theory]
    [InlineData("http://example.org/")]
    [InlineData("gopher://:70/")]
    [InlineData("gopher://h:0/")]
    [InlineData("gopher://h:99999/")]
    [InlineData("gopher://h/0/bad%zz")]
    [InlineData("gopher://user@h/")]
    public void UrlParse_bad_formatException(string text)
    {
        Assert.Throws<FormatException>(() => GopherUrl.Parse(text));
    }

    [Fact]
    public void UrlToString_selectorAndSearch_escapedAndReadBack()
    {
        var url = new GopherUrl("example.org", 7070, '7', "/a b/ü", "x\ty");
        Assert.Equal("gopher://example.org:7070/7/a%20b/%C3%BC%09x%09y", url.ToString());
        Assert.Equal(url with { Search = "x" }, GopherUrl.Parse(url.ToString()));
        Assert.Equal("gopher://h/1", new GopherUrl("h", 70, '1', "").ToString());
    }

    [Theory]
    [InlineData("a.txt", '0')]
    [InlineData("a.GIF", 'g')]
    [InlineData("a.png", 'I')]
    [InlineData("a.html", 'h')]
    [InlineData("a.ogg", 's')]
    [InlineData("a.zip", '9')]
    public void ForFile_extension_type(string name, char type)
    {
        Assert.Equal(type, GopherItemType.ForFile(name, "text"u8));
    }

    [Fact]
    public void ForFile_unknownExtension_sniffed()
    {
        Assert.Equal('0', GopherItemType.ForFile("README", "plain ü text"u8));
        Assert.Equal('0', GopherItemType.ForFile("README", [.. "cut "u8, 0xC3]));
        Assert.Equal('9', GopherItemType.ForFile("blob", [1, 0, 2]));
        Assert.Equal('9', GopherItemType.ForFile("blob", [0xFF, 0xFE, 0x41]));
    }

    /// <summary>A stream that gives one byte per read, to catch chunk-boundary bugs.</summary>
    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
