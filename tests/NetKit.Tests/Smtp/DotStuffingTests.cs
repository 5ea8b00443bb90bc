using System.Buffers;
using System.Text;
using NetKit.Smtp;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Smtp;

public class DotStuffingTests
{
    [Theory]
    [InlineData("", ".\r\n")]
    [InlineData("a\r\n", "a\r\n.\r\n")]
    [InlineData("a", "a\r\n.\r\n")]
    [InlineData(".", "..\r\n.\r\n")]
    [InlineData("a\r\n.b\r\n..c\r\n", "a\r\n..b\r\n...c\r\n.\r\n")]
    [InlineData("a\nb\n", "a\r\nb\r\n.\r\n")]                 // bare LF made CRLF
    [InlineData("a\rb", "a\r\nb\r\n.\r\n")]                   // bare CR made CRLF
    [InlineData("a\r\n.\r\nMAIL FROM:<x>\r\n", "a\r\n..\r\nMAIL FROM:<x>\r\n.\r\n")] // a dot line cannot end the message early
    [InlineData("a\n.\nb", "a\r\n..\r\nb\r\n.\r\n")]
    public void Encode_message_givesTheWireForm(string message, string wire)
    {
        foreach (var chunk in new[] { 1, 2, 3, 1000 })
        {
            var output = new ArrayBufferWriter<byte>();
            var stuffer = new DotStuffer();
            var bytes = Encoding.ASCII.GetBytes(message);
            for (var i = 0; i < bytes.Length; i += chunk)
            {
                stuffer.Encode(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), output);
            }

            stuffer.Complete(output);
            Assert.Equal(wire, Encoding.ASCII.GetString(output.WrittenSpan));
        }
    }

    public static TheoryData<int> Chunks => new() { 1, 2, 7, 100_000 };

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadAsync_whatTheStufferWrote_isTheMessageAgain(int chunk)
    {
        var random = new Random(1861);
        for (var round = 0; round < 20; round++)
        {
            var lines = Enumerable.Range(0, random.Next(0, 30)).Select(_ =>
                new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => ".x. é\t"[random.Next(6)]).ToArray()));
            var message = string.Concat(lines.Select(l => l + "\r\n"));
            var wire = DotStuffer.Encode(Encoding.UTF8.GetBytes(message));
            using var reader = new LineReader(new ChunkedStream([.. wire, .. "QUIT\r\n"u8.ToArray()], chunk));
            var received = new ArrayBufferWriter<byte>();
            Assert.Equal(SmtpDataOutcome.Complete, await SmtpDataReader.ReadAsync(reader, received, maxBytes: 1 << 20));
            Assert.Equal(message, Encoding.UTF8.GetString(received.WrittenSpan));
            Assert.Equal("QUIT", (await reader.ReadLineAsync()).Text); // still in step
        }
    }

    [Fact]
    public async Task ReadAsync_smugglingWithBareLfDot_doesNotEndTheMessage_andIsRefused()
    {
        // "\n.\n" or "\r\n.\n" must not end DATA: a second message would be smuggled in.
        var wire = "Subject: one\r\n\r\nhello\r\n.\nMAIL FROM:<evil@x>\r\nRCPT TO:<victim@y>\r\nDATA\r\n.\r\nNOOP\r\n"u8.ToArray();
        using var reader = new LineReader(new ChunkedStream(wire, 3));
        var received = new ArrayBufferWriter<byte>();
        Assert.Equal(SmtpDataOutcome.BareLineFeed, await SmtpDataReader.ReadAsync(reader, received, 1 << 20));
        Assert.Equal("NOOP", (await reader.ReadLineAsync()).Text);
    }

    [Theory]
    [InlineData("first\n.\r\n")]            // LF . CRLF: the end only for a reader that takes LF as a line end
    [InlineData("first\r\n.\n")]            // CRLF . LF
    [InlineData("first\n.\n")]               // LF . LF
    public async Task ReadAsync_dotAfterOrBeforeBareLf_isContent_soNothingIsSmuggled(string bareEnd)
    {
        var wire = Encoding.ASCII.GetBytes("Subject: one\r\n\r\n" + bareEnd +
            "MAIL FROM:<evil@x>\r\nRCPT TO:<victim@y>\r\nDATA\r\nSubject: smuggled\r\n\r\nsmuggled\r\n.\r\nNOOP\r\n");
        foreach (var chunkSize in new[] { 1, 2, 7, 100_000 })
        {
            using var reader = new LineReader(new ChunkedStream(wire, chunkSize));
            Assert.Equal(SmtpDataOutcome.BareLineFeed, await SmtpDataReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), 1 << 20));
            Assert.Equal("NOOP", (await reader.ReadLineAsync()).Text); // the smuggled DATA was part of the refused message
        }
    }

    [Fact]
    public async Task ReadAsync_dotAfterOverlongLineEndedByBareLf_isContent()
    {
        var wire = Encoding.ASCII.GetBytes(new string('x', 2000) + "\n.\r\nDATA\r\n.\r\nQUIT\r\n");
        using var reader = new LineReader(new ChunkedStream(wire, 64), maxLineLength: 998);
        Assert.Equal(SmtpDataOutcome.LineTooLong, await SmtpDataReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), 1 << 20));
        Assert.Equal("QUIT", (await reader.ReadLineAsync()).Text);
    }

    [Fact]
    public async Task ReadAsync_overTheLimit_isTooBig_readToTheEnd_andKeepsNoMore()
    {
        var wire = DotStuffer.Encode(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789\r\n", 100))));
        using var reader = new LineReader(new ChunkedStream([.. wire, .. "RSET\r\n"u8.ToArray()], 5));
        var received = new ArrayBufferWriter<byte>();
        Assert.Equal(SmtpDataOutcome.TooBig, await SmtpDataReader.ReadAsync(reader, received, maxBytes: 100));
        Assert.True(received.WrittenCount <= 100);
        Assert.Equal("RSET", (await reader.ReadLineAsync()).Text);
    }

    [Fact]
    public async Task ReadAsync_clientLeavesMidMessage_isConnectionClosed()
    {
        using var reader = new LineReader(new ChunkedStream("Subject: x\r\n\r\nhalf a mess"u8.ToArray(), 4));
        Assert.Equal(SmtpDataOutcome.ConnectionClosed, await SmtpDataReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), 1 << 20));
    }

    [Fact]
    public async Task ReadAsync_overlongLine_isLineTooLong_andStaysInStep()
    {
        var wire = Encoding.ASCII.GetBytes("ok\r\n" + new string('x', 2000) + "\r\n.\r\nQUIT\r\n");
        using var reader = new LineReader(new ChunkedStream(wire, 64), maxLineLength: 998);
        Assert.Equal(SmtpDataOutcome.LineTooLong, await SmtpDataReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), 1 << 20));
        Assert.Equal("QUIT", (await reader.ReadLineAsync()).Text);
    }

    [Theory]
    [InlineData(new[] { "ab\r", "\ncd\r\n" }, SmtpDataOutcome.Complete)]
    [InlineData(new[] { "ab\r", "cd\r\n" }, SmtpDataOutcome.BareCarriageReturn)]
    [InlineData(new[] { "ab\r" }, SmtpDataOutcome.BareCarriageReturn)]
    [InlineData(new[] { "ab", "\n" }, SmtpDataOutcome.BareLineFeed)]
    [InlineData(new[] { "a\0b\r\n" }, SmtpDataOutcome.Nul)]
    [InlineData(new[] { "a\nb\0\r\n" }, SmtpDataOutcome.BareLineFeed)]
    public void SmtpBodyScanner_piecesSplitAnywhere_findTheFirstFault(string[] pieces, SmtpDataOutcome expected)
    {
        var scanner = new SmtpBodyScanner();
        foreach (var piece in pieces)
        {
            scanner.Scan(Encoding.ASCII.GetBytes(piece));
        }

        Assert.Equal(expected, scanner.Complete());
        scanner.Reset();
        Assert.Equal(SmtpDataOutcome.Complete, scanner.Complete());
    }

    [Theory]
    [InlineData("a\r.\rb\r\n.\r\n", SmtpDataOutcome.BareCarriageReturn)]
    [InlineData("a\0\r\n.\r\n", SmtpDataOutcome.Nul)]
    public async Task ReadAsync_bareCrOrNul_readsToTheEndAndReportsIt(string wire, SmtpDataOutcome expected)
    {
        using var reader = new LineReader(new MemoryStream(Encoding.ASCII.GetBytes(wire + "NOOP\r\n")));
        Assert.Equal(expected, await SmtpDataReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), 1 << 20));
        Assert.Equal("NOOP", (await reader.ReadLineAsync()).Text);
    }
}
