using System.Text;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class LineReaderTests
{
    public static TheoryData<int> Chunks => new() { 1, 2, 3, 7, 64, 100_000 };

    private static async Task<List<(LineStatus Status, string Text, LineEnding Ending)>> ReadAllAsync(byte[] input, int chunk, int maxLineLength = 8192)
    {
        using var reader = new LineReader(new ChunkedStream(input, chunk), maxLineLength: maxLineLength);
        var lines = new List<(LineStatus, string, LineEnding)>();
        while (true)
        {
            var line = await reader.ReadLineAsync();
            lines.Add((line.Status, line.Text, line.Ending));
            if (line.Status == LineStatus.EndOfStream)
            {
                return lines;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadLineAsync_crlfAndBareLf_returnsLinesWithTheirEndings(int chunk)
    {
        var lines = await ReadAllAsync("EHLO x\r\nbare\nlast\r\n"u8.ToArray(), chunk);
        Assert.Equal(
            [(LineStatus.Line, "EHLO x", LineEnding.CrLf), (LineStatus.Line, "bare", LineEnding.Lf), (LineStatus.Line, "last", LineEnding.CrLf), (LineStatus.EndOfStream, "", LineEnding.None)],
            lines);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadLineAsync_overlongLine_reportsTooLongOnceAndStaysInStep(int chunk)
    {
        var input = Encoding.ASCII.GetBytes("ok\r\n" + new string('x', 50) + "\r\nnext\r\n");
        var lines = await ReadAllAsync(input, chunk, maxLineLength: 10);
        Assert.Equal(
            [(LineStatus.Line, "ok", LineEnding.CrLf), (LineStatus.TooLong, "", LineEnding.CrLf), (LineStatus.Line, "next", LineEnding.CrLf), (LineStatus.EndOfStream, "", LineEnding.None)],
            lines);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadLineAsync_overlongStartLengthSet_returnsTheLinesFirstBytes(int chunk)
    {
        var input = Encoding.ASCII.GetBytes("a1 " + new string('x', 50) + "\r\nnext\r\n");
        using var reader = new LineReader(new ChunkedStream(input, chunk), maxLineLength: 10) { OverlongStartLength = 6 };
        var line = await reader.ReadLineAsync();
        Assert.Equal((LineStatus.TooLong, "a1 xxx"), (line.Status, line.Text));
        Assert.Equal("next", (await reader.ReadLineAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadLineAsync_lineExactlyAtLimit_isAccepted(int chunk)
    {
        var input = Encoding.ASCII.GetBytes(new string('a', 10) + "\r\n" + new string('b', 11) + "\n");
        var lines = await ReadAllAsync(input, chunk, maxLineLength: 10);
        Assert.Equal(LineStatus.Line, lines[0].Status);
        Assert.Equal(new string('a', 10), lines[0].Text);
        Assert.Equal(LineStatus.TooLong, lines[1].Status);
    }

    [Fact]
    public async Task ReadLineAsync_hugeLineWithoutNewline_doesNotGrowTheBuffer()
    {
        var input = new byte[5_000_000];
        Array.Fill(input, (byte)'z');
        using var reader = new LineReader(new ChunkedStream(input, 65536), maxLineLength: 100);
        var line = await reader.ReadLineAsync();
        Assert.Equal(LineStatus.EndOfStream, line.Status);
        Assert.True(line.Bytes.IsEmpty);
        Assert.True(reader.Buffered <= 1);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadLineAsync_unterminatedLastLine_isReturnedWithEndOfStream(int chunk)
    {
        using var reader = new LineReader(new ChunkedStream("one\r\ntwo"u8.ToArray(), chunk));
        Assert.Equal("one", (await reader.ReadLineAsync()).Text);
        var last = await reader.ReadLineAsync();
        Assert.Equal(LineStatus.EndOfStream, last.Status);
        Assert.Equal("two", last.Text);
    }

    [Fact]
    public async Task ReadLineAsync_invalidUtf8_isReportedNotThrown()
    {
        using var reader = new LineReader(new ChunkedStream([0x61, 0xFF, 0xFE, 0x0D, 0x0A, 0xD0, 0x9F, 0x0A], 1));
        var bad = await reader.ReadLineAsync();
        Assert.False(bad.IsValidUtf8);
        Assert.False(bad.TryGetText(out _));
        Assert.Equal("invalid UTF-8 at byte 1 (0xFF)", Utf8Text.DescribeInvalid(bad.Bytes.Span));
        var good = await reader.ReadLineAsync();
        Assert.True(good.TryGetText(out var text));
        Assert.Equal("П", text);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadAsync_afterLines_continuesFromTheSameBuffer(int chunk)
    {
        using var reader = new LineReader(new ChunkedStream("DATA 5\r\nhelloTAIL\r\n"u8.ToArray(), chunk));
        Assert.Equal("DATA 5", (await reader.ReadLineAsync()).Text);
        var body = new byte[5];
        await reader.ReadExactlyAsync(body);
        Assert.Equal("hello", Encoding.ASCII.GetString(body));
        Assert.Equal("TAIL", (await reader.ReadLineAsync()).Text);
    }

    [Fact]
    public async Task ReadExactlyAsync_streamEndsEarly_throwsEndOfStream()
    {
        using var reader = new LineReader(new ChunkedStream("abc"u8.ToArray(), 2));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task DiscardBuffered_dropsBytesSentAheadOfAHandshake()
    {
        using var reader = new LineReader(new ChunkedStream("STARTTLS\r\nRCPT TO:<evil>\r\n"u8.ToArray(), 1000));
        Assert.Equal("STARTTLS", (await reader.ReadLineAsync()).Text);
        Assert.Equal(16, reader.DiscardBuffered());
        Assert.Equal(LineStatus.EndOfStream, (await reader.ReadLineAsync()).Status);
    }

    [Fact]
    public async Task ReadLineAsync_withTrace_writesClientLinesOnAServer()
    {
        var log = new StringWriter();
        var trace = new WireTrace(log, TraceRole.Server);
        using var reader = new LineReader(new ChunkedStream("HELO a\r\n"u8.ToArray(), 3), trace);
        await reader.ReadLineAsync();
        Assert.Equal("C: HELO a" + Environment.NewLine, log.ToString());
    }
}
