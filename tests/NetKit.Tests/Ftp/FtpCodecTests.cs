using System.Net;
using System.Text;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Ftp.Server;
using NetKit.Transport;

namespace NetKit.Tests.Ftp;

/// <summary>The wire codec, both ways: replies, commands, addresses, facts, ASCII line ends, LIST lines, the jail's path arithmetic.</summary>
public class FtpCodecTests
{
    [Fact]
    public void ReplyParser_singleLine_isOneReply()
    {
        var reply = new FtpReplyParser().Add("220 ready");
        Assert.NotNull(reply);
        Assert.Equal(220, reply.Code);
        Assert.Equal(["ready"], reply.Lines);
    }

    [Fact]
    public void ReplyParser_multiLine_endsOnlyAtTheSameCodeAndASpace()
    {
        var parser = new FtpReplyParser();
        Assert.Null(parser.Add("211-Features:"));
        Assert.Null(parser.Add(" UTF8"));
        Assert.Null(parser.Add("211-MDTM"));
        Assert.Null(parser.Add("123 not the end: another code"));
        Assert.Null(parser.Add("no code at all"));
        var reply = parser.Add("211 End");
        Assert.NotNull(reply);
        Assert.Equal(["Features:", " UTF8", "MDTM", "123 not the end: another code", "no code at all", "End"], reply.Lines);
        Assert.NotNull(parser.Add("200 next reply starts clean"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("22")]
    [InlineData("abc hello")]
    [InlineData("620 out of range")]
    [InlineData("220x")]
    public void ReplyParser_malformedFirstLine_throwsProtocolException(string line) =>
        Assert.Throws<FtpProtocolException>(() => new FtpReplyParser().Add(line));

    [Fact]
    public void Reply_toWireLines_roundTripsThroughTheParser()
    {
        var reply = new FtpReply(211, "Features:", " UTF8", "500 looks like an end", "End");
        var wire = reply.ToWireLines().ToList();
        Assert.Equal(["211-Features:", " UTF8", " 500 looks like an end", "211 End"], wire);
        var parser = new FtpReplyParser();
        FtpReply? parsed = null;
        foreach (var line in wire)
        {
            parsed = parser.Add(line);
        }

        Assert.Equal(211, parsed!.Code);
        Assert.Equal(4, parsed.Lines.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public async Task ReplyParser_readAsync_worksWhateverTheChunking(int chunk)
    {
        var transcript = "220-Welcome\r\n to the server\r\n220 ready\r\n331 password please\r\n"u8.ToArray();
        using var reader = new LineReader(new ChunkedReadStream(transcript, chunk));
        var first = await FtpReplyParser.ReadAsync(reader);
        Assert.Equal(220, first.Code);
        Assert.Equal(3, first.Lines.Count);
        Assert.Equal(331, (await FtpReplyParser.ReadAsync(reader)).Code);
        await Assert.ThrowsAsync<FtpProtocolException>(() => FtpReplyParser.ReadAsync(reader));
    }

    [Theory]
    [InlineData("USER alice", "USER", "alice")]
    [InlineData("retr  two spaces ", "RETR", " two spaces ")]
    [InlineData("PWD", "PWD", "")]
    [InlineData("stor файл.bin", "STOR", "файл.bin")]
    public void Request_tryParse_splitsVerbAndArgument(string line, string verb, string argument)
    {
        Assert.True(FtpRequest.TryParse(line, out var request));
        Assert.Equal(verb, request.Verb);
        Assert.Equal(argument, request.Argument);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" USER x")]
    [InlineData("US")]
    [InlineData("USERNAME x")]
    [InlineData("US3R x")]
    public void Request_tryParse_rejectsWhatIsNoVerb(string line) => Assert.False(FtpRequest.TryParse(line, out _));

    [Fact]
    public void Request_redact_hidesPassOnly() =>
        Assert.Equal(["PASS ********", "USER alice", "pass ********"], new[] { "PASS hunter2", "USER alice", "pass x" }.Select(FtpRequest.Redact));

    [Fact]
    public void Addresses_hostPort_roundTrip()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("192.168.1.2"), 50_123);
        var text = FtpAddresses.FormatHostPort(endPoint);
        Assert.Equal("192,168,1,2,195,203", text);
        Assert.True(FtpAddresses.TryParseHostPort(text, out var parsed));
        Assert.Equal(endPoint, parsed);
        Assert.True(FtpAddresses.TryParsePassiveReply("Entering Passive Mode (192,168,1,2,195,203).", out parsed));
        Assert.Equal(endPoint, parsed);
        Assert.True(FtpAddresses.TryParsePassiveReply("Entering Passive Mode 192,168,1,2,195,203", out _));
    }

    [Theory]
    [InlineData("1,2,3,4,5")]
    [InlineData("1,2,3,4,5,256")]
    [InlineData("1,2,3,4,5,-1")]
    [InlineData("a,b,c,d,e,f")]
    public void Addresses_badHostPort_isRefused(string text) => Assert.False(FtpAddresses.TryParseHostPort(text, out _));

    [Theory]
    [InlineData("|1|127.0.0.1|2121|", "127.0.0.1", 2121)]
    [InlineData("|2|::1|2121|", "::1", 2121)]
    [InlineData("!1!10.0.0.1!65535!", "10.0.0.1", 65535)]
    public void Addresses_extended_parses(string text, string address, int port)
    {
        Assert.True(FtpAddresses.TryParseExtended(text, out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endPoint);
        Assert.True(FtpAddresses.TryParseExtended(FtpAddresses.FormatExtended(endPoint), out var again));
        Assert.Equal(endPoint, again);
    }

    [Theory]
    [InlineData("|1|::1|2121|")]
    [InlineData("|2|127.0.0.1|2121|")]
    [InlineData("|1|127.0.0.1|0|")]
    [InlineData("|1|127.0.0.1|70000|")]
    [InlineData("|3|127.0.0.1|21|")]
    [InlineData("1|127.0.0.1|21|")]
    public void Addresses_badExtended_isRefused(string text) => Assert.False(FtpAddresses.TryParseExtended(text, out _));

    [Fact]
    public void Addresses_extendedPassiveReply_parses()
    {
        Assert.True(FtpAddresses.TryParseExtendedPassiveReply("Entering Extended Passive Mode (|||6446|)", out var port));
        Assert.Equal(6446, port);
        Assert.False(FtpAddresses.TryParseExtendedPassiveReply("Entering Extended Passive Mode (|||x|)", out _));
        Assert.False(FtpAddresses.TryParseExtendedPassiveReply("no brackets", out _));
    }

    [Fact]
    public void Facts_parse_readsTypeSizeModifyAndName()
    {
        var entry = FtpFacts.Parse("Type=file;Size=1024;Modify=20261126123456.789;Perm=rw; a name; with semicolons");
        Assert.Equal("a name; with semicolons", entry.Name);
        Assert.Equal(FtpEntryType.File, entry.Type);
        Assert.Equal(1024, entry.Size);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 34, 56, 789, TimeSpan.Zero), entry.Modified);
        Assert.Equal("rw", entry.Facts["perm"]);
        Assert.Equal(FtpEntryType.CurrentDirectory, FtpFacts.Parse("type=cdir; .").Type);
        Assert.Throws<FtpProtocolException>(() => FtpFacts.Parse("type=file;size=1"));
        Assert.Throws<FtpProtocolException>(() => FtpFacts.Parse("nonsense; x"));
    }

    [Fact]
    public void Facts_formatThenParse_roundTrips()
    {
        var line = FtpFacts.Format([new("type", "dir"), new("modify", FtpFacts.FormatTime(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero)))], "dir name");
        Assert.Equal("type=dir;modify=20200102030405; dir name", line);
        var entry = FtpFacts.Parse(line);
        Assert.True(entry.IsDirectory);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), entry.Modified);
    }

    [Fact]
    public void Ascii_convertsBothWays_evenWithCrAndLfInDifferentBuffers()
    {
        var toNetwork = new FtpAscii();
        var buffer = new byte[64];
        var n = toNetwork.ToNetwork("a\nb\r\nc"u8, buffer);
        Assert.Equal("a\r\nb\r\nc", Encoding.ASCII.GetString(buffer, 0, n));

        var toLocal = new FtpAscii();
        var output = new List<byte>();
        foreach (var piece in new[] { "one\r", "\ntwo\r", "x\r", "" })
        {
            var count = toLocal.ToLocal(Encoding.ASCII.GetBytes(piece), buffer);
            output.AddRange(buffer[..count]);
        }

        output.AddRange(buffer[..toLocal.Flush(buffer)]);
        Assert.Equal("one\ntwo\rx\r", Encoding.ASCII.GetString([.. output]));
    }

    [Fact]
    public void ListParser_unixLines_parse()
    {
        var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var file = FtpListParser.Parse("-rw-r--r--    1 ftp      ftp        123456 Nov 20 09:15 a file.txt", now)!;
        Assert.Equal(("a file.txt", FtpEntryType.File, 123456L), (file.Name, file.Type, file.Size!.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero), file.Modified);
        var dir = FtpListParser.Parse("drwxr-xr-x 2 1000 1000 4096 Jan  3  2019 old dir", now)!;
        Assert.Equal(FtpEntryType.Directory, dir.Type);
        Assert.Equal(new DateTimeOffset(2019, 1, 3, 0, 0, 0, TimeSpan.Zero), dir.Modified);
        var link = FtpListParser.Parse("lrwxrwxrwx 1 root root 4 Dec 31 23:59 name -> target", now)!;
        Assert.Equal(("name", FtpEntryType.Link, "target"), (link.Name, link.Type, link.Facts["link.target"]));
        Assert.Equal(2025, link.Modified!.Value.Year);   // "Dec 31" in the future means last year
        Assert.Null(FtpListParser.Parse("total 12"));
    }

    [Fact]
    public void ListParser_windowsLines_parse()
    {
        var dir = FtpListParser.Parse("11-26-26  12:31PM       <DIR>          My Folder")!;
        Assert.Equal(("My Folder", FtpEntryType.Directory), (dir.Name, dir.Type));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 31, 0, TimeSpan.Zero), dir.Modified);
        var file = FtpListParser.Parse("01-02-2020  09:05AM              1234 report.pdf")!;
        Assert.Equal(("report.pdf", 1234L), (file.Name, file.Size!.Value));
    }

    [Theory]
    [InlineData("/", "a", "/a")]
    [InlineData("/a", "b/../c", "/a/c")]
    [InlineData("/a/b", "..", "/a")]
    [InlineData("/a", "/x//y/./", "/x/y")]
    [InlineData("/a", ".", "/a")]
    [InlineData("/", " spaced name ", "/ spaced name ")]
    public void Jail_combine_resolvesInsideTheRoot(string current, string argument, string expected) =>
        Assert.Equal(expected, FtpJail.Combine(current, argument));

    [Theory]
    [InlineData("/", "..")]
    [InlineData("/a", "../..")]
    [InlineData("/", "/../x")]
    [InlineData("/", "a\0b")]
    [InlineData("/", "a\\..\\b")]
    public void Jail_combine_refusesEscapes(string current, string argument) =>
        Assert.Throws<FtpPathException>(() => FtpJail.Combine(current, argument));

    [Fact]
    public void QuotedPath_undoesDoubledQuotes() =>
        Assert.Equal("/a \"b\"", FtpClient.ParseQuotedPath("\"/a \"\"b\"\"\" is the current directory"));

    /// <summary>Hands out at most <c>chunk</c> bytes per read, to catch buffer-boundary bugs.</summary>
    private sealed class ChunkedReadStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
