using System.Text;
using NetKit.Imap;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

public sealed class ImapCodecTests
{
    private static ImapParser Parse(string line) => new(ImapRawCommand.FromText(line));

    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("Entw&APw-rfe", "Entwürfe")]
    [InlineData("&ZeVnLIqe-", "日本語")]
    [InlineData("~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語")]
    [InlineData("Tom &- Jerry", "Tom & Jerry")]
    [InlineData("&2D3eAA-", "😀")]
    public void Utf7_roundTrips_rfc3501Examples(string encoded, string decoded)
    {
        Assert.True(ImapUtf7.TryDecode(encoded, out var name));
        Assert.Equal(decoded, name);
        Assert.Equal(encoded, ImapUtf7.Encode(decoded));
    }

    [Theory]
    [InlineData("&U,BTFw")]        // no closing '-'
    [InlineData("&AGE-")]          // 'a' encoded: printable ASCII must stand for itself
    [InlineData("&U,BTF-")]        // an odd number of bytes
    [InlineData("&2D0-")]          // a lone high surrogate
    [InlineData("caf\u00e9")]      // raw 8-bit
    [InlineData("&U/BTFw-")]       // '/' is not in the modified alphabet
    public void Utf7_invalid_isRefused(string encoded) => Assert.False(ImapUtf7.TryDecode(encoded, out _));

    [Fact]
    public void Parser_readsTagCommandAtomsQuotedAndLists()
    {
        var p = Parse("a001 LOGIN \"joe \\\"q\\\"\" pa]ss");
        Assert.Equal("a001", p.Tag());
        p.Space();
        Assert.Equal("LOGIN", p.Keyword());
        p.Space();
        Assert.Equal("joe \"q\"", p.AString());
        p.Space();
        Assert.Equal("pa]ss", p.AString());
        p.End();
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("\"bad \\x escape\"")]
    [InlineData("(")]
    public void Parser_malformedString_throws(string text) =>
        Assert.Throws<ImapParseException>(() => Parse(text).AString());

    [Fact]
    public void Parser_literal_continuesOnNextLine()
    {
        var command = new ImapRawCommand([Encoding.ASCII.GetBytes("A1 LOGIN {3}"), Encoding.ASCII.GetBytes(" {5+}"), Encoding.ASCII.GetBytes("")], [Encoding.ASCII.GetBytes("bob"), Encoding.ASCII.GetBytes("p\r\nw!")]);
        var p = new ImapParser(command);
        p.Tag();
        p.Space();
        p.Keyword();
        p.Space();
        Assert.Equal("bob", p.AString());
        p.Space();
        Assert.Equal("p\r\nw!", p.AString());
        p.End();
    }

    [Fact]
    public void SequenceSet_membershipWithStarAndReversedRanges()
    {
        var set = Parse("1,3:5,*:9").SequenceSet();
        Assert.True(set.Contains(1, 20));
        Assert.False(set.Contains(2, 20));
        Assert.True(set.Contains(4, 20));
        Assert.True(set.Contains(9, 20));
        Assert.True(set.Contains(20, 20));
        Assert.False(set.Contains(8, 20));
        Assert.Equal("1,3:5,*:9", set.ToString());
        Assert.True(Parse("1:4294967295").SequenceSet().Contains(4_000_000_000, 5));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1:0")]
    [InlineData("4294967296")]
    [InlineData("1,,2")]
    [InlineData("1:")]
    [InlineData("01")]
    public void SequenceSet_invalid_throws(string text) => Assert.Throws<ImapParseException>(() => Parse(text).SequenceSet());

    [Fact]
    public void SequenceSet_formatCompacts() => Assert.Equal("1:3,7,9:10", ImapSequenceSet.Format([1, 2, 3, 7, 9, 10]));

    [Fact]
    public void Fetch_macrosAndSections()
    {
        Assert.Equal(4, ImapFetchParser.Parse(Parse("ALL")).Count);
        var items = ImapFetchParser.Parse(Parse("(UID FLAGS BODY.PEEK[HEADER.FIELDS (From \"To\")] BODY[1.2.MIME] BODY[]<0.100> RFC822.SIZE BODY BODYSTRUCTURE)"));
        Assert.Equal(8, items.Count);
        Assert.Equal("BODY[HEADER.FIELDS (From To)]", items[2].ResponseName);
        Assert.True(items[2].Peek);
        Assert.False(items[2].SetsSeen);
        Assert.Equal([1, 2], items[3].Section!.Part);
        Assert.Equal(ImapSectionText.Mime, items[3].Section!.Text);
        Assert.True(items[3].SetsSeen);
        Assert.Equal("BODY[]<0>", items[4].ResponseName);
        Assert.Equal(100, items[4].PartialLength);
        Assert.Equal(ImapFetchKind.Body, items[6].Kind);
    }

    [Theory]
    [InlineData("BODY[MIME]")]
    [InlineData("BODY[0]")]
    [InlineData("BODY[1.FOO]")]
    [InlineData("BODY[]<1>")]
    [InlineData("BODY[]<1.0>")]
    [InlineData("(FLAGS")]
    [InlineData("BODY[HEADER.FIELDS]")]
    [InlineData("NOSUCH")]
    public void Fetch_malformed_throws(string text) => Assert.Throws<ImapParseException>(() => ImapFetchParser.Parse(Parse(text)));

    [Fact]
    public void Search_grammar()
    {
        var key = ImapSearchParser.Parse(Parse("1:3 OR (FROM bob SEEN) DELETED NOT DRAFT UID 5:* HEADER X-Tag \"a b\" SINCE 1-Feb-2024 LARGER 100"));
        var and = Assert.IsType<ImapSearchAnd>(key);
        Assert.Equal(7, and.Keys.Count);
        var or = Assert.IsType<ImapSearchOr>(and.Keys[1]);
        Assert.IsType<ImapSearchAnd>(or.Left);
        Assert.Equal(new ImapSearchFlag("\\Deleted", true), or.Right);
        Assert.IsType<ImapSearchNot>(and.Keys[2]);
        Assert.Equal(new ImapSearchText(ImapTextField.Header, "a b", "X-Tag"), and.Keys[4]);
        Assert.Equal(new ImapSearchDate(ImapDateField.Internal, ImapDateComparison.Since, new DateOnly(2024, 2, 1)), and.Keys[5]);
    }

    [Theory]
    [InlineData("FROM")]
    [InlineData("(SEEN")]
    [InlineData("SINCE 31-Foo-2024")]
    [InlineData("OR SEEN")]
    [InlineData("BOGUS")]
    [InlineData("SEEN )")]
    public void Search_malformed_throws(string text) => Assert.Throws<ImapParseException>(() => ImapSearchParser.Parse(Parse(text)));

    [Fact]
    public void Search_deepNesting_isBadNotStackOverflow()
    {
        var text = string.Concat(Enumerable.Repeat("NOT ", 10_000)) + "SEEN";
        Assert.Throws<ImapParseException>(() => ImapSearchParser.Parse(Parse(text)));
        var parens = new string('(', 100) + "SEEN" + new string(')', 100);
        Assert.Throws<ImapParseException>(() => ImapSearchParser.Parse(Parse(parens)));
    }

    [Fact]
    public void Parser_dateTime_andFlags()
    {
        var p = Parse("(\\Seen $Label1) \" 7-Feb-1994 21:52:25 -0800\"");
        Assert.Equal(["\\Seen", "$Label1"], p.FlagList());
        p.Space();
        Assert.Equal(new DateTimeOffset(1994, 2, 7, 21, 52, 25, TimeSpan.FromHours(-8)), p.DateTime());
    }

    [Fact]
    public async Task Writer_choosesQuotedOrLiteral_andTracesLiteralsBySize()
    {
        using var output = new MemoryStream();
        var trace = new StringWriter();
        var writer = new ImapResponseWriter((m, ct) => output.WriteAsync(m, ct), () => new WireTrace(trace, TraceRole.Server));
        writer.Raw("* 1 FETCH (X ").String("a\"b").Raw(" ").String("two\r\nlines").Raw(" ").NString(null).Raw(" ").String("café").Raw(")").EndLine();
        writer.Tagged("A1", ImapStatus.Ok, "done", "READ-WRITE");
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal("* 1 FETCH (X \"a\\\"b\" {10}\r\ntwo\r\nlines NIL {5}\r\ncafé)\r\nA1 OK [READ-WRITE] done\r\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Contains("S: * 1 FETCH (X \"a\\\"b\" {10} <10 bytes> NIL {5} <5 bytes>)", trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_synchronizingLiteral_isInvited_andLiteralPlusIsNot()
    {
        var input = new MemoryStream(Encoding.ASCII.GetBytes("A1 LOGIN {3}\r\nbob {4+}\r\npass\r\nA2 NOOP\r\n"));
        using var lines = new LineReader(input);
        var reader = new ImapCommandReader(lines, new ImapLimits());
        var invited = 0;
        var first = await reader.ReadAsync(_ => { invited++; return ValueTask.CompletedTask; }, CancellationToken.None);
        Assert.Equal(ImapReadStatus.Command, first.Status);
        Assert.Equal(1, invited);
        Assert.Equal("A1", first.Tag);
        Assert.Equal(2, first.Command!.Literals.Count);
        var second = await reader.ReadAsync(_ => ValueTask.CompletedTask, CancellationToken.None);
        Assert.Equal("A2", second.Tag);
        var end = await reader.ReadAsync(_ => ValueTask.CompletedTask, CancellationToken.None);
        Assert.Equal(ImapReadStatus.EndOfStream, end.Status);
    }

    [Fact]
    public async Task Reader_oversizedLiterals_refusedOrDropped_andStaysInStep()
    {
        var input = new MemoryStream(Encoding.ASCII.GetBytes("A1 APPEND INBOX {100}\r\nA2 APPEND INBOX {20+}\r\n01234567890123456789 {3+}\r\nabc\r\nA3 NOOP\r\n"));
        using var lines = new LineReader(input);
        var reader = new ImapCommandReader(lines, new ImapLimits { MaxLiteralSize = 10 });
        var invited = 0;
        ValueTask Invite(CancellationToken ct)
        {
            invited++;
            return ValueTask.CompletedTask;
        }

        var first = await reader.ReadAsync(Invite, CancellationToken.None);
        Assert.Equal((ImapReadStatus.LiteralTooBig, "A1"), (first.Status, first.Tag));
        var second = await reader.ReadAsync(Invite, CancellationToken.None);
        Assert.Equal((ImapReadStatus.LiteralTooBig, "A2"), (second.Status, second.Tag));
        var third = await reader.ReadAsync(Invite, CancellationToken.None);
        Assert.Equal((ImapReadStatus.Command, "A3"), (third.Status, third.Tag));
        Assert.Equal(0, invited);
    }

    [Fact]
    public async Task Reader_clientVanishesMidLiteral_isEndOfStreamOrEof()
    {
        var input = new MemoryStream(Encoding.ASCII.GetBytes("A1 APPEND INBOX {100+}\r\nonly a little"));
        using var lines = new LineReader(input);
        var reader = new ImapCommandReader(lines, new ImapLimits());
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadAsync(_ => ValueTask.CompletedTask, CancellationToken.None));
    }
}
