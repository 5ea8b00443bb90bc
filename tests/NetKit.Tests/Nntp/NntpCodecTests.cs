using System.Buffers;
using System.Text;
using NetKit.Nntp;
using NetKit.Smtp;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Nntp;

public sealed class NntpCodecTests
{
    [Theory]
    [InlineData("211 3 1 3 local.test", 211, "3 1 3 local.test")]
    [InlineData("205", 205, "")]
    [InlineData("500 what?", 500, "what?")]
    public void TryParse_statusLine_splitsCodeAndText(string line, int code, string text)
    {
        Assert.True(NntpResponse.TryParse(line, out var response));
        Assert.Equal(code, response.Code);
        Assert.Equal(text, response.Text);
        Assert.Equal(line, response.ToString());
    }

    [Theory]
    [InlineData("21")]
    [InlineData("2110 x")]
    [InlineData("abc def")]
    [InlineData("")]
    public void TryParse_notAStatusLine_isFalse(string line) => Assert.False(NntpResponse.TryParse(line, out _));

    [Theory]
    [InlineData("5", 5, 5L)]
    [InlineData("5-", 5, null)]
    [InlineData("5-9", 5, 9L)]
    [InlineData("9-5", 9, 5L)]
    public void TryParse_range_readsEachForm(string text, long low, long? high)
    {
        Assert.True(NntpRange.TryParse(text, out var range));
        Assert.Equal(new NntpRange(low, high), range);
        Assert.Equal(text, range.ToString());
        Assert.Equal(high < low, range.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("a-b")]
    [InlineData("1-2-3")]
    [InlineData("99999999999999999")]
    [InlineData("+5")]
    public void TryParse_badRange_isFalse(string text) => Assert.False(NntpRange.TryParse(text, out _));

    [Fact]
    public void Overview_toLineAndBack_keepsEveryField_andTabsInValuesBecomeSpaces()
    {
        var overview = new NntpOverview(7, "Hi\tthere", "A <a@x>", "Thu, 1 Jan 2026 00:00:00 +0000", "<1@x>", "<0@x>", 123, 4);
        var line = overview.ToLine();
        Assert.Equal(8, line.Split('\t').Length);
        Assert.True(NntpOverview.TryParse(line, out var back));
        Assert.Equal(overview with { Subject = "Hi there" }, back);
    }

    [Fact]
    public void ArticleHeaders_foldedAndCaseless_areUnfolded_andBodyLinesCounted()
    {
        var raw = "Subject: a long\r\n subject\r\nmessage-id: <x@y>\r\n\r\nline 1\r\nline 2\r\n"u8.ToArray();
        var headers = NntpArticleHeaders.Parse(raw);
        Assert.False(headers.Malformed);
        Assert.Equal("a long subject", headers["Subject"]);
        Assert.Equal("<x@y>", headers["Message-ID"]);
        Assert.Equal(2, headers.BodyLines);
        Assert.True(NntpArticleHeaders.Parse("no colon here\r\n\r\nbody\r\n"u8).Malformed);
        Assert.True(NntpArticleHeaders.Parse("Subject: never ends\r\n"u8).Malformed);
    }

    [Theory]
    [InlineData("20261126", "130500", 2026, 11, 26, 13, 5, 0)]
    [InlineData("261126", "000000", 2026, 11, 26, 0, 0, 0)]
    public void DateTime_parse_readsBothYearForms(string date, string time, int y, int mo, int d, int h, int mi, int s)
    {
        Assert.True(NntpDateTime.TryParse(date, time, out var value));
        Assert.Equal(new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero), value);
        Assert.Equal((date.Length == 8 ? date : "20" + date, time), NntpDateTime.Format(value));
    }

    [Theory]
    [InlineData("20261326", "000000")]
    [InlineData("2026112", "000000")]
    [InlineData("20261126", "250000")]
    public void DateTime_parse_refusesNonsense(string date, string time) => Assert.False(NntpDateTime.TryParse(date, time, out _));

    // A multi-line block as the wire carries it: a stuffed dot line, a line that is only a dot, the end.
    private const string Wire = "First line\r\n..leading dot\r\n..\r\n\r\nlast\r\n.\r\n220 next reply\r\n";
    private const string Content = "First line\r\n.leading dot\r\n.\r\n\r\nlast\r\n";

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ReadBlock_wholeOrInPieces_undoesDotStuffing_andStopsAtTheLoneDot(int chunk)
    {
        using var reader = new LineReader(new ChunkedStream(Encoding.UTF8.GetBytes(Wire), chunk));
        var content = new ArrayBufferWriter<byte>();
        Assert.Equal(SmtpDataOutcome.Complete, await NntpMultiLine.ReadAsync(reader, content, 1 << 20));
        Assert.Equal(Content, Encoding.UTF8.GetString(content.WrittenSpan));
        Assert.Equal("220 next reply", (await reader.ReadLineAsync()).Text); // the next reply is still there
    }

    [Fact]
    public void WriteArticle_thenRead_isTheSameBytes_andWriteLinesStuffsDots()
    {
        var output = new ArrayBufferWriter<byte>();
        NntpMultiLine.WriteArticle(Encoding.UTF8.GetBytes(Content), output);
        Assert.Equal(Wire[..Wire.IndexOf("220", StringComparison.Ordinal)], Encoding.UTF8.GetString(output.WrittenSpan));

        var lines = new ArrayBufferWriter<byte>();
        NntpMultiLine.WriteLines(["a", ".b", "."], lines);
        Assert.Equal("a\r\n..b\r\n..\r\n.\r\n", Encoding.UTF8.GetString(lines.WrittenSpan));
        Assert.Equal(["a", ".b"], NntpMultiLine.SplitLines("a\r\n.b\r\n"u8));
    }

    [Fact]
    public async Task ReadBlock_cutOffBeforeTheDot_isConnectionClosed()
    {
        using var reader = new LineReader(new MemoryStream("a\r\nb\r\n"u8.ToArray()));
        Assert.Equal(SmtpDataOutcome.ConnectionClosed, await NntpMultiLine.ReadAsync(reader, new ArrayBufferWriter<byte>(), 1 << 20));
    }
}
