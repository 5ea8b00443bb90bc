using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class WireTraceTests
{
    [Fact]
    public void Sent_clientRole_writesCPrefix_andReceivedWritesS()
    {
        var log = new StringWriter();
        var trace = new WireTrace(log, TraceRole.Client);
        trace.Sent("EHLO me");
        trace.Received("250 ok");
        Assert.Equal($"C: EHLO me{Environment.NewLine}S: 250 ok{Environment.NewLine}", log.ToString());
    }

    [Fact]
    public void Sent_secretLine_isHidden()
    {
        var log = new StringWriter();
        new WireTrace(log, TraceRole.Client).Sent("AHVzZXIAcGFzcw==", secret: true);
        Assert.DoesNotContain("AHVz", log.ToString());
        Assert.Contains("C: ********", log.ToString());
    }

    [Fact]
    public void Redact_protocolRule_masksPasswordsInBothDirections()
    {
        var log = new StringWriter();
        var trace = new WireTrace(log, TraceRole.Server)
        {
            Redact = line => line.StartsWith("PASS ", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 1) : line,
        };
        trace.Received("PASS hunter2");
        Assert.Equal($"C: PASS ********{Environment.NewLine}", log.ToString());
    }

    [Theory]
    [InlineData("AUTH PLAIN abc", 2, "AUTH PLAIN ********")]
    [InlineData("AUTH PLAIN", 2, "AUTH PLAIN")]
    [InlineData("PASS x y", 1, "PASS ********")]
    public void MaskAfterWords_keepsTheVerbs(string line, int words, string expected) =>
        Assert.Equal(expected, WireTrace.MaskAfterWords(line, words));

    [Fact]
    public void Received_controlBytes_areShownEscaped()
    {
        var log = new StringWriter();
        new WireTrace(log, TraceRole.Server).Received([0x61, 0x00, 0x09, 0x1B]);
        Assert.Equal(@"C: a\x00\t\x1b" + Environment.NewLine, log.ToString());
    }

    [Fact]
    public void ForConnection_prefixesEveryLine()
    {
        var log = new StringWriter();
        new WireTrace(log, TraceRole.Server).ForConnection("[7] ").Sent("220 hi");
        Assert.Equal($"[7] S: 220 hi{Environment.NewLine}", log.ToString());
    }
}

public class WireTraceEscapeTests
{
    [Fact]
    public void Sent_textWithTerminalEscapes_isShownEscaped()
    {
        var log = new StringWriter();
        new WireTrace(log, TraceRole.Server).Sent("\u001b[1;0m bell\u0007 del\u007f");
        Assert.Equal(@"S: \x1b[1;0m bell\x07 del\x7f" + Environment.NewLine, log.ToString());
    }
}
