using System.Text;
using NetKit.Smtp;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Smtp;

public class SmtpReplyTests
{
    [Theory]
    [InlineData("2.1.5", 2, 1, 5)]
    [InlineData("5.7.1", 5, 7, 1)]
    [InlineData("4.4.100", 4, 4, 100)]
    public void TryParse_enhancedStatus_readsItsParts(string text, int c, int s, int d)
    {
        Assert.True(EnhancedStatusCode.TryParse(text, out var code));
        Assert.Equal(new EnhancedStatusCode(c, s, d), code);
        Assert.Equal(text, code.ToString());
    }

    [Theory]
    [InlineData("3.1.1")]
    [InlineData("2.1")]
    [InlineData("2..1")]
    [InlineData("2.1.1000")]
    [InlineData("25.1.1")]
    [InlineData("2.x.1")]
    [InlineData("")]
    public void TryParse_notAStatus_isRefused(string text) => Assert.False(EnhancedStatusCode.TryParse(text, out _));

    [Fact]
    public void ToWireLines_multiLineWithStatus_continuesWithDashAndEndsWithSpace()
    {
        var reply = new SmtpReply(250, "2.0.0", "first", "second", "last");
        Assert.Equal(["250-2.0.0 first", "250-2.0.0 second", "250 2.0.0 last"], reply.ToWireLines());
    }

    [Fact]
    public void Add_ehloTranscript_givesOneReplyWithEveryLine()
    {
        var parser = new SmtpReplyParser();
        Assert.Null(parser.Add("250-mail.example.org greets you"));
        Assert.Null(parser.Add("250-SIZE 10240000"));
        Assert.Null(parser.Add("250-8BITMIME"));
        var reply = parser.Add("250 SMTPUTF8");
        Assert.NotNull(reply);
        Assert.Equal(250, reply.Code);
        Assert.Null(reply.Status);
        Assert.Equal(["mail.example.org greets you", "SIZE 10240000", "8BITMIME", "SMTPUTF8"], reply.Lines);
    }

    [Theory]
    [InlineData("250 2.1.0 Ok", 250, "2.1.0", "Ok")]
    [InlineData("550 5.7.1 Relaying denied", 550, "5.7.1", "Relaying denied")]
    [InlineData("250 5.0.0 not a status of this class", 250, null, "5.0.0 not a status of this class")]
    [InlineData("354 End data with <CR><LF>.<CR><LF>", 354, null, "End data with <CR><LF>.<CR><LF>")]
    [InlineData("250", 250, null, "")]
    [InlineData("221 2.0.0", 221, "2.0.0", "")]
    public void Add_oneLine_readsCodeStatusAndText(string line, int code, string? status, string text)
    {
        var reply = new SmtpReplyParser().Add(line)!;
        Assert.Equal(code, reply.Code);
        Assert.Equal(status, reply.Status?.ToString());
        Assert.Equal(text, reply.Text);
    }

    [Theory]
    [InlineData("25 short")]
    [InlineData("abc no code")]
    [InlineData("250xno separator")]
    [InlineData("150 not an SMTP code")]
    [InlineData("")]
    public void Add_malformedLine_isAProtocolError(string line) =>
        Assert.Throws<SmtpProtocolException>(() => new SmtpReplyParser().Add(line));

    [Fact]
    public void Add_linesWithDifferentCodes_isAProtocolError()
    {
        var parser = new SmtpReplyParser();
        parser.Add("250-one");
        Assert.Throws<SmtpProtocolException>(() => parser.Add("251 two"));
    }

    [Fact]
    public void Add_endlessReply_isCutOff()
    {
        var parser = new SmtpReplyParser();
        Assert.Throws<SmtpProtocolException>(() =>
        {
            for (var i = 0; i <= SmtpReplyParser.MaxLines; i++)
            {
                parser.Add("250-again");
            }
        });
    }

    public static TheoryData<int> Chunks => new() { 1, 2, 5, 100_000 };

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task ReadAsync_serverTranscript_readsEachReplyWhole(int chunk)
    {
        var wire = "220 mx.example ESMTP\r\n250-mx.example\r\n250-PIPELINING\r\n250 2.0.0 ENHANCEDSTATUSCODES\r\n550 5.1.1 <nobody@example>: no such user\r\n"u8.ToArray();
        using var reader = new LineReader(new ChunkedStream(wire, chunk));
        Assert.Equal(220, (await SmtpReplyParser.ReadAsync(reader)).Code);
        var ehlo = await SmtpReplyParser.ReadAsync(reader);
        Assert.Equal(["mx.example", "PIPELINING", "ENHANCEDSTATUSCODES"], ehlo.Lines.Select(l => l.Replace("2.0.0 ", "", StringComparison.Ordinal)));
        var refusal = await SmtpReplyParser.ReadAsync(reader);
        Assert.True(refusal.IsPermanentFailure);
        Assert.Equal(new EnhancedStatusCode(5, 1, 1), refusal.Status);
        Assert.Equal("<nobody@example>: no such user", refusal.Text);
        await Assert.ThrowsAsync<SmtpProtocolException>(() => SmtpReplyParser.ReadAsync(reader));
    }

    [Fact]
    public void ToWireLines_parsedBack_isTheSameReply()
    {
        var reply = new SmtpReply(451, "4.3.0", "try again later", "the store is busy");
        var parser = new SmtpReplyParser();
        SmtpReply? back = null;
        foreach (var line in reply.ToWireLines())
        {
            back = parser.Add(line);
        }

        Assert.NotNull(back);
        Assert.Equal((reply.Code, reply.Status), (back.Code, back.Status));
        Assert.Equal(reply.Lines, back.Lines);
        Assert.Equal(Encoding.ASCII.GetBytes(reply.ToString()), Encoding.ASCII.GetBytes(string.Join("\r\n", back.ToWireLines())));
    }
}
