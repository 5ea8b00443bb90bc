using NetKit.Smtp;

namespace NetKit.Tests.Smtp;

public class ClientCapabilitiesTests
{
    private static SmtpCapabilities Parse(params string[] lines) => SmtpCapabilities.Parse(new SmtpReply(250, (EnhancedStatusCode?)null, lines));

    [Fact]
    public void Parse_ehloReply_readsTheExtensionsAClientActsOn()
    {
        var caps = Parse("mx.example.org greets you", "SIZE 35882577", "8BITMIME", "smtputf8", "PIPELINING", "CHUNKING",
            "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "AUTH SCRAM-SHA-256 plain", "AUTH=LOGIN", "X-UNKNOWN some words");

        Assert.Equal("mx.example.org", caps.ServerName);
        Assert.Equal(35882577, caps.MaxSize);
        Assert.True(caps.Size && caps.EightBitMime && caps.SmtpUtf8 && caps.Pipelining && caps.Chunking && caps.Dsn && caps.EnhancedStatusCodes && caps.StartTls);
        Assert.False(caps.BinaryMime);
        Assert.Equal(["LOGIN", "PLAIN", "SCRAM-SHA-256"], caps.AuthenticationMechanisms.Order());
        Assert.Equal("some words", caps.ParametersOf("x-unknown"));
        Assert.Equal(11, caps.Extensions.Count);
    }

    [Theory]
    [InlineData("SIZE")]
    [InlineData("SIZE 0")]
    [InlineData("SIZE lots")]
    public void Parse_sizeWithoutALimit_hasNoMaxSize(string line)
    {
        var caps = Parse("mx", line);

        Assert.True(caps.Size);
        Assert.Null(caps.MaxSize);
    }

    [Fact]
    public void None_knowsNothing()
    {
        Assert.Empty(SmtpCapabilities.None.Extensions);
        Assert.False(SmtpCapabilities.None.Pipelining);
        Assert.Empty(SmtpCapabilities.None.AuthenticationMechanisms);
    }
}
