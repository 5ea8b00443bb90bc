using NetKit.Smtp;

namespace NetKit.Tests.Smtp;

public class SmtpEnvelopeParserTests
{
    [Theory]
    [InlineData("FROM:<a@b.example>", "a@b.example")]
    [InlineData("from:<a@b.example>", "a@b.example")]
    [InlineData("FROM: <a@b.example>", "a@b.example")]                       // the common slip
    [InlineData("FROM:<>", "")]                                               // bounces
    [InlineData("FROM:<first.last+tag@sub.b-c.example>", "first.last+tag@sub.b-c.example")]
    [InlineData("FROM:<\"john doe\"@b.example>", "\"john doe\"@b.example")]
    [InlineData("FROM:<\"a>b\\\"c\"@b.example>", "\"a>b\\\"c\"@b.example")]
    [InlineData("FROM:<a@[192.0.2.1]>", "a@[192.0.2.1]")]
    [InlineData("FROM:<a@[IPv6:2001:db8::1]>", "a@[IPv6:2001:db8::1]")]
    [InlineData("FROM:<@relay.example,@other.example:a@b.example>", "a@b.example")] // source route ignored
    [InlineData("FROM:<a@b.example>  ", "a@b.example")]
    public void TryParseMail_validPaths_areAccepted(string argument, string expected)
    {
        Assert.True(SmtpEnvelopeParser.TryParseMail(argument, out var mail, out var error), error?.ToString());
        Assert.Equal(expected, mail.ReversePathText);
    }

    [Theory]
    [InlineData("FROM:a@b.example", "501 5.5.4")]                 // no brackets
    [InlineData("TO:<a@b.example>", "501 5.5.4")]
    [InlineData("FROM:<a@b.example", "501 5.5.4")]
    [InlineData("FROM:<a@b.example>x", "501 5.5.4")]
    [InlineData("FROM:<a b@b.example>", "501 5.1.7")]
    [InlineData("FROM:<a..b@b.example>", "501 5.1.7")]
    [InlineData("FROM:<.a@b.example>", "501 5.1.7")]
    [InlineData("FROM:<a@b..example>", "501 5.1.7")]
    [InlineData("FROM:<a@-b.example>", "501 5.1.7")]
    [InlineData("FROM:<a@>", "501 5.1.7")]
    [InlineData("FROM:<@b.example>", "501 5.1.7")]
    [InlineData("FROM:<ab.example>", "501 5.1.7")]
    [InlineData("FROM:<a@[300.0.0.1]>", "501 5.1.7")]
    [InlineData("FROM:<a@[1.2.3]>", "501 5.1.7")]
    [InlineData("FROM:<a@[IPv6:zz::1]>", "501 5.1.7")]
    [InlineData("FROM:<\"unterminated@b.example>", "501 5.5.4")]
    [InlineData("FROM:<ä@b.example>", "553 5.6.7")]                 // UTF-8 without SMTPUTF8
    [InlineData("FROM:<a@bü.example>", "553 5.6.7")]
    [InlineData("FROM:<a@b.example> FOO=1", "555 5.5.4")]
    [InlineData("FROM:<a@b.example> SIZE=x", "501 5.5.4")]
    [InlineData("FROM:<a@b.example> SIZE=1 SIZE=2", "501 5.5.4")]   // duplicate parameter
    [InlineData("FROM:<a@b.example> BODY=9BIT", "501 5.5.4")]
    [InlineData("FROM:<a@b.example> SMTPUTF8=yes", "501 5.5.4")]
    [InlineData("FROM:<a@b.example> RET=ALL", "501 5.5.4")]
    [InlineData("FROM:<a@b.example> ENVID=a+zz", "501 5.5.4")]
    [InlineData("FROM:<a@b.example> SIZE=", "501 5.5.4")]
    public void TryParseMail_malformed_givesTheReply(string argument, string expected)
    {
        Assert.False(SmtpEnvelopeParser.TryParseMail(argument, out _, out var error));
        Assert.Equal(expected, $"{error.Code} {error.Status}");
    }

    [Fact]
    public void TryParseMail_lengthLimits_localPart64_domain255_path256()
    {
        var local64 = new string('a', 64);
        Assert.True(SmtpEnvelopeParser.TryParseMail($"FROM:<{local64}@b.example>", out _, out _));
        Assert.False(SmtpEnvelopeParser.TryParseMail($"FROM:<{local64}a@b.example>", out _, out var tooLong));
        Assert.Equal("501 5.1.7", $"{tooLong.Code} {tooLong.Status}");
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)); // 243 octets
        Assert.True(SmtpEnvelopeParser.TryParseMail($"FROM:<a@{domain}>", out _, out _));
        Assert.False(SmtpEnvelopeParser.TryParseMail($"FROM:<{new string('a', 20)}@{domain}>", out _, out _)); // path over 256
        Assert.False(SmtpEnvelopeParser.TryParseMail($"FROM:<a@{new string('d', 64)}.example>", out _, out _)); // label over 63
    }

    [Fact]
    public void TryParseMail_parameters_areRead()
    {
        Assert.True(SmtpEnvelopeParser.TryParseMail("FROM:<ä@bü.example> size=42 Body=8bitmime SMTPUTF8 RET=FULL ENVID=QQ+2B1 AUTH=<>", out var mail, out _));
        Assert.Equal(42, mail.Size);
        Assert.Equal(SmtpBodyType.EightBitMime, mail.Body);
        Assert.True(mail.SmtpUtf8);
        Assert.Equal(SmtpDsnReturn.Full, mail.Return);
        Assert.Equal("QQ+1", mail.EnvelopeId);
        Assert.Equal("<>", mail.Auth);
        Assert.True(mail.ReversePath!.IsInternational);
        Assert.Equal("bü.example", mail.ReversePath.Domain);
    }

    [Theory]
    [InlineData("TO:<bob@example.com>", true, "bob@example.com")]
    [InlineData("to: <bob@example.com>", true, "bob@example.com")]
    [InlineData("TO:<Postmaster>", true, "Postmaster")]
    [InlineData("TO:<δοκιμή@παράδειγμα.δοκιμή>", true, "δοκιμή@παράδειγμα.δοκιμή")]
    [InlineData("TO:<δοκιμή@example.com>", false, null)]
    [InlineData("TO:<>", true, null)]
    [InlineData("TO:<bob>", true, null)]
    [InlineData("TO:<bob@example.com> NOTIFY=NEVER,SUCCESS", true, null)]
    [InlineData("TO:<bob@example.com> NOTIFY=SUCCESS,SUCCESS", true, null)]
    [InlineData("TO:<bob@example.com> ORCPT=rfc822", true, null)]
    [InlineData("TO:<bob@example.com> SIZE=1", true, null)]
    public void TryParseRcpt_paths(string argument, bool smtpUtf8, string? expected)
    {
        var ok = SmtpEnvelopeParser.TryParseRcpt(argument, smtpUtf8, out var rcpt, out _);
        Assert.Equal(expected is not null, ok);
        if (ok)
        {
            Assert.Equal(expected, rcpt.Recipient.Address);
        }
    }

    [Fact]
    public void TryParseRcpt_dsnParameters_areRead()
    {
        Assert.True(SmtpEnvelopeParser.TryParseRcpt("TO:<bob@example.com> NOTIFY=success,delay ORCPT=rfc822;bob+2Bx@example.com", false, out var rcpt, out _));
        Assert.Equal(SmtpDsnNotify.Success | SmtpDsnNotify.Delay, rcpt.Notify);
        Assert.Equal("rfc822;bob+x@example.com", rcpt.OriginalRecipient);
        Assert.False(SmtpEnvelopeParser.TryParseRcpt("TO:<bob@example.com> FOO", false, out _, out var unknown));
        Assert.Equal(555, unknown.Code);
        Assert.False(SmtpEnvelopeParser.TryParseRcpt("TO:<bob@ex ample.com>", false, out _, out var bad));
        Assert.Equal("501 5.1.3", $"{bad.Code} {bad.Status}");
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b>", SmtpVerb.Mail, "FROM:<a@b>")]
    [InlineData("rcpt TO:<a@b>", SmtpVerb.Rcpt, "TO:<a@b>")]
    [InlineData("StartTLS", SmtpVerb.StartTls, "")]
    [InlineData("BDAT 10 LAST", SmtpVerb.Bdat, "10 LAST")]
    [InlineData("QUITX", SmtpVerb.Unknown, "")]
    [InlineData("", SmtpVerb.Unknown, "")]
    [InlineData(" NOOP", SmtpVerb.Unknown, "NOOP")]
    public void CommandLine_parse_verbAndArgument(string line, SmtpVerb verb, string argument)
    {
        Assert.Equal(verb, SmtpCommandLine.Parse(System.Text.Encoding.UTF8.GetBytes(line), out var rest));
        Assert.Equal(argument, System.Text.Encoding.UTF8.GetString(rest));
    }
}
