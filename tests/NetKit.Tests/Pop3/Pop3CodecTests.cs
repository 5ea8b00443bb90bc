using System.Buffers;
using System.Text;
using NetKit.Pop3;
using NetKit.Smtp;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Pop3;

public class Pop3CodecTests
{
    [Theory]
    [InlineData("+OK 2 320", true, null, "2 320")]
    [InlineData("+OK", true, null, "")]
    [InlineData("-ERR [IN-USE] maildrop locked", false, "IN-USE", "maildrop locked")]
    [InlineData("-ERR [SYS/TEMP] try later", false, "SYS/TEMP", "try later")]
    [InlineData("-ERR no such message", false, null, "no such message")]
    [InlineData("+ok lower case", true, null, "lower case")]
    public void TryParse_statusLine_splitsStatusCodeAndText(string line, bool ok, string? code, string text)
    {
        Assert.True(Pop3Response.TryParse(line, out var response));
        Assert.Equal(new Pop3Response(ok, code, text), response);
    }

    [Theory]
    [InlineData("OK fine")]
    [InlineData("+OKAY")]
    [InlineData("+ abc")]
    [InlineData("")]
    [InlineData("220 smtp")]
    public void TryParse_notAStatus_isFalse(string line) => Assert.False(Pop3Response.TryParse(line, out _));

    [Fact]
    public void ToString_formatsWhatTryParseReads()
    {
        var response = Pop3Response.Err("maildrop already locked", Pop3ResponseCodes.InUse);
        Assert.Equal("-ERR [IN-USE] maildrop already locked", response.ToString());
        Assert.True(Pop3Response.TryParse(response.ToString(), out var back));
        Assert.Equal(response, back);
        Assert.Equal("+OK", Pop3Response.Ok().ToString());
    }

    [Fact]
    public void Parse_command_isCaseInsensitiveAndSplitsArguments()
    {
        var command = Pop3CommandLine.Parse("top 1 10");
        Assert.Equal(Pop3Verb.Top, command.Verb);
        Assert.Equal(["1", "10"], command.Arguments);
        Assert.Equal(Pop3Verb.Unknown, Pop3CommandLine.Parse("XTND XMIT").Verb);
        Assert.Empty(Pop3CommandLine.Parse("STAT ").Arguments);
        Assert.Equal(["", "1"], Pop3CommandLine.Parse("LIST  1").Arguments);
        Assert.Equal("pass word with spaces", Pop3CommandLine.RestOfLine("PASS pass word with spaces"));
    }

    [Fact]
    public void Format_argumentWithLineBreak_isRefused()
    {
        Assert.Equal("USER bob", Pop3CommandLine.Format("USER", "bob"));
        Assert.Throws<ArgumentException>(() => Pop3CommandLine.Format("USER", "bob\r\nDELE 1"));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a\r\n", 3)]
    [InlineData("a\n", 3)]     // bare LF goes out as CRLF
    [InlineData("a\r", 3)]     // bare CR too
    [InlineData("a", 3)]       // an unterminated last line gets its CRLF
    [InlineData("a\r\n\r\nb", 8)]
    [InlineData(".a\r\n", 4)]  // stuffing is not counted
    public void WireSize_countsOctetsAsRetrSendsThem(string message, long size)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        Assert.Equal(size, Pop3MessageText.WireSize(bytes));
        Assert.Equal(size, Unstuffed(DotStuffer.Encode(bytes)).Length);
    }

    [Theory]
    [InlineData("a\r\nb\r\n", true)]
    [InlineData("", true)]
    [InlineData("a\nb\r\n", false)]
    [InlineData("a\r\nb", false)]
    [InlineData("a\rb\r\n", false)]
    public void IsWireForm_onlyForCrlfThroughout(string message, bool expected) =>
        Assert.Equal(expected, Pop3MessageText.IsWireForm(Encoding.ASCII.GetBytes(message)));

    [Theory]
    [InlineData(0, "Subject: x\r\nFrom: y\r\n\r\n")]
    [InlineData(1, "Subject: x\r\nFrom: y\r\n\r\nline 1\r\n")]
    [InlineData(2, "Subject: x\r\nFrom: y\r\n\r\nline 1\r\n.line 2\r\n")]
    [InlineData(99, "Subject: x\r\nFrom: y\r\n\r\nline 1\r\n.line 2\r\nline 3")]
    public void Top_takesHeaderBlankLineAndBodyLines(long lines, string expected)
    {
        var message = "Subject: x\r\nFrom: y\r\n\r\nline 1\r\n.line 2\r\nline 3"u8;
        Assert.Equal(expected, Encoding.ASCII.GetString(Pop3MessageText.Top(message, lines)));
    }

    [Fact]
    public void Top_headerOnlyMessage_isWhole()
    {
        var message = "Subject: x\r\nFrom: y\r\n"u8;
        Assert.Equal(message.ToArray(), Pop3MessageText.Top(message, 0).ToArray());
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ReadAsync_transcript_unstuffsInWholeAndByteByByte(int chunk)
    {
        var wire = "From: a\r\n\r\n..dot\r\n...\r\nplain\nbare-lf\r\n.\r\n+OK next\r\n"u8.ToArray();
        using var reader = new LineReader(new ChunkedStream(wire, chunk));
        var body = new ArrayBufferWriter<byte>();
        var size = await Pop3MultilineReader.ReadAsync(reader, body, long.MaxValue);
        Assert.Equal("From: a\r\n\r\n.dot\r\n..\r\nplain\nbare-lf\r\n", Encoding.ASCII.GetString(body.WrittenSpan));
        Assert.Equal(body.WrittenCount, size);
        Assert.Equal("+OK next", (await reader.ReadLineAsync()).Text); // in step after the dot
    }

    [Fact]
    public async Task ReadAsync_stuffedByDotStuffer_givesTheMessageBack()
    {
        var message = ".\r\n..\r\n.x\r\nend\r\n"u8.ToArray();
        using var reader = new LineReader(new MemoryStream(DotStuffer.Encode(message)));
        var body = new ArrayBufferWriter<byte>();
        await Pop3MultilineReader.ReadAsync(reader, body, long.MaxValue);
        Assert.Equal(message, body.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task ReadAsync_connectionClosedBeforeDot_throwsProtocolException()
    {
        using var reader = new LineReader(new MemoryStream("line\r\n"u8.ToArray()));
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => Pop3MultilineReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), long.MaxValue));
    }

    [Fact]
    public async Task ReadAsync_overLimit_throwsProtocolException()
    {
        using var reader = new LineReader(new MemoryStream("0123456789\r\n.\r\n"u8.ToArray()));
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => Pop3MultilineReader.ReadAsync(reader, new ArrayBufferWriter<byte>(), 5));
    }

    [Fact]
    public async Task ReadLinesAsync_capaTranscript_givesLines()
    {
        using var reader = new LineReader(new ChunkedStream("TOP\r\nSASL SCRAM-SHA-256 PLAIN\r\n.\r\n"u8.ToArray(), 1));
        Assert.Equal(["TOP", "SASL SCRAM-SHA-256 PLAIN"], await Pop3MultilineReader.ReadLinesAsync(reader, 1000));
    }

    [Theory]
    [InlineData("PASS hunter2", "PASS ********")]
    [InlineData("APOP bob c4c9334bac560ecc979e58001b3e22fb", "APOP bob ********")]
    [InlineData("AUTH PLAIN AGJvYgBzZWNyZXQ=", "AUTH PLAIN ********")]
    [InlineData("AUTH SCRAM-SHA-256", "AUTH SCRAM-SHA-256")]
    [InlineData("USER bob", "USER bob")]
    public void Redact_hidesSecrets(string line, string shown) => Assert.Equal(shown, Pop3TraceRedaction.Redact(line));

    /// <summary>The wire form without its final ".\r\n" and with one leading dot taken off each line.</summary>
    private static byte[] Unstuffed(byte[] wire)
    {
        var text = Encoding.ASCII.GetString(wire, 0, wire.Length - 3);
        var lines = text.Split("\r\n");
        return Encoding.ASCII.GetBytes(string.Join("\r\n", lines.Select(l => l.StartsWith('.') ? l[1..] : l)));
    }
}
