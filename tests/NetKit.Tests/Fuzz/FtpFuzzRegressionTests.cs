using System.Text;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Transport;

namespace NetKit.Tests.Fuzz;

/// <summary>Inputs AFL++ found (fuzz/run.sh, target ftp-reply) that crashed the FTP client's parsers, fed to the same entry points.</summary>
public class FtpFuzzRegressionTests
{
    [Fact]
    public void ListParser_windowsSizePast64Bits_sizeUnknown()
    {
        // The crashing input (crashes-id-000066): a DOS-style LIST line whose size overflowed long.Parse.
        var input = Encoding.UTF8.GetString(Convert.FromHexString("72920a32312d32302d323720363a3232203634323838383838383838383838383838383838383838206ee87653782ef478740d0a6472"));
        foreach (var line in input.Split('\n'))
        {
            FtpListParser.Parse(line.TrimEnd('\r'));
        }

        var entry = FtpListParser.Parse("21-20-27 6:22 6428888888888888888888888 notes.txt");
        Assert.NotNull(entry);
        Assert.Equal("notes.txt", entry.Name);
        Assert.Null(entry.Size);
    }

    [Fact]
    public void ListParser_unixSizePast64Bits_sizeUnknown()
    {
        var entry = FtpListParser.Parse("-rw-r--r--   1 owner    group    99999999999999999999 Nov 26 10:00 big.bin", DateTimeOffset.UnixEpoch.AddYears(56));
        Assert.NotNull(entry);
        Assert.Equal("big.bin", entry.Name);
        Assert.Equal(FtpEntryType.File, entry.Type);
        Assert.Null(entry.Size);
    }

    [Fact]
    public void ListParser_sizeInOtherScriptDigits_sizeUnknown()
    {
        // .NET's \d matches every Unicode digit; long.Parse reads ASCII ones only.
        var entry = FtpListParser.Parse("-rw-r--r--   1 owner    group    \u0661\u0662 Nov 26 10:00 x", DateTimeOffset.UnixEpoch.AddYears(56));
        Assert.NotNull(entry);
        Assert.Null(entry.Size);
    }

    [Theory]
    [InlineData("32323020d0726f1064792e0d254b323720454d6f646520656e74206469726563748d31393550806f4665722072653436777373692c3830292e0d0a32323920456e50617373797665204d6f646520287c7c7c363434ffff057c290d592063757272656e6f72790d0a")] // crashes-id-000000 as found
    [InlineData("3232302050726f4665722051656164792e0d302c3048312c31392f2c0a")] // a shorter one: "220 ...\r0,0..." then LF
    [InlineData("3232302d6f6e650d0a3232302074776f0d0d0a")]                     // CR CR LF on the last line
    public async Task ReplyParser_bareCrInLine_protocolException(string hex)
    {
        using var reader = new LineReader(new MemoryStream(Convert.FromHexString(hex)));
        var ex = await Assert.ThrowsAsync<FtpProtocolException>(() => FtpReplyParser.ReadAsync(reader));
        Assert.Contains("bare CR", ex.Message, StringComparison.Ordinal);
    }
}
