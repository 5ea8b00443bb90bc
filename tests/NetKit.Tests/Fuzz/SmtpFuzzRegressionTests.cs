using NetKit.Smtp;
using NetKit.Transport;

namespace NetKit.Tests.Fuzz;

/// <summary>Inputs AFL++ found (fuzz/run.sh, target smtp-reply) that crashed the SMTP client's reply parser, fed to the same entry point.</summary>
public class SmtpFuzzRegressionTests
{
    [Theory]
    [InlineData("323230202e32306f720d2e2e2e2e2e2e2d2e2e2e0a")] // crashes-id-000000 as found: "220 .20or\r......-...\n" (SmtpReply refused the CR with ArgumentException)
    [InlineData("3235302d2e6f7267202532350d0a3235302d53495a4520300d0a3235302d3849450d0a3235302d3235302d2e000100004801313032300d0a3235300d0a3235302d494e0d4e3536260a3235302d53540d0a3235302d53495a4520313032300d0a3235300d0a3235302d494e")] // second run's crashes-id-000031: "250-IN\rN56&\n" in an EHLO reply
    [InlineData("3235302d6f6b0d0a323530206d6f72650d746578740d0a")]     // a bare CR in the last line of a multi-line reply
    public async Task ReplyParser_bareCrInLine_protocolException(string hex)
    {
        using var reader = new LineReader(new MemoryStream(Convert.FromHexString(hex)));
        // As the client reads: reply after reply, until the one with the bare CR.
        var ex = await Assert.ThrowsAsync<SmtpProtocolException>(async () =>
        {
            while (true)
            {
                await SmtpReplyParser.ReadAsync(reader);
            }
        });
        Assert.Contains("bare CR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyParser_crlfEndings_stillRead()
    {
        using var reader = new LineReader(new MemoryStream("250-mail.example.org\r\n250 SIZE 1000\r\n"u8.ToArray()));
        var reply = await SmtpReplyParser.ReadAsync(reader);
        Assert.Equal(250, reply.Code);
        Assert.Equal(["mail.example.org", "SIZE 1000"], reply.Lines);
    }
}
