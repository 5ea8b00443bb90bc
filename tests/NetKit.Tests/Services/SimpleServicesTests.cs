using System.Globalization;
using System.Text;
using NetKit.Services;

namespace NetKit.Tests.Services;

public class SimpleServicesTests
{
    [Fact]
    public void Cycle_chargen_followsTheRfc864Pattern()
    {
        var text = Encoding.ASCII.GetString(ChargenService.Cycle.Span);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(95, lines.Length);
        Assert.All(lines, l => Assert.Equal(72, l.Length));
        Assert.Equal(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg", lines[0]);
        Assert.Equal("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh", lines[1]);
        Assert.StartsWith("~ !\"", lines[94], StringComparison.Ordinal);
    }

    [Fact]
    public void Format_daytime_isReadableAndParsesBack()
    {
        var when = new DateTimeOffset(2026, 11, 23, 17, 50, 18, TimeSpan.FromHours(3));
        var text = DaytimeService.Format(when);
        Assert.Equal("Monday, November 23, 2026 17:50:18 UTC+03:00", text);
        Assert.Equal(when, DateTimeOffset.ParseExact(text, "dddd, MMMM d, yyyy HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(new byte[] { 0xD0, 0x9F, 0xD0, 0x90 }, "АП")]
    [InlineData(new byte[] { 0x61, 0xFF }, "error: invalid UTF-8 at byte 1 (0xFF)")]
    [InlineData(new byte[] { 0xD0 }, "error: invalid UTF-8 at byte 0 (0xD0)")]
    public void Answer_reverse_reversesOrReportsTheBadByte(byte[] input, string expected) =>
        Assert.Equal(expected, ReverseService.Answer(input));

    [Fact]
    public void Catalog_everyService_hasAStreamHandlerAndAnUnprivilegedDefaultPort()
    {
        Assert.Equal(["greeting", "reverse", "echo", "discard", "daytime", "chargen", "smtp", "pop3", "imap", "ftp", "gopher", "telnet", "nntp"], ServiceCatalog.All.Select(s => s.Name));
        Assert.All(ServiceCatalog.All, s => Assert.True(s.SpeaksStream && s.DefaultPort >= 1024, s.Name));
        Assert.All(ServiceCatalog.All.Where(s => s.Name is not ("greeting" or "smtp" or "pop3" or "imap" or "ftp" or "gopher" or "telnet" or "nntp")), s => Assert.True(s.SpeaksDatagram, s.Name));
        Assert.Same(ServiceCatalog.Find("ECHO"), ServiceCatalog.Find("echo"));
        Assert.Null(ServiceCatalog.Find("nope"));
    }
}
