using System.Text;
using NetKit.Sasl;

namespace NetKit.Tests.Sasl;

public class SaslChallengeTests
{
    [Theory]
    [InlineData("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", "<1896.697170952@postoffice.reston.mci.net>")]
    [InlineData("  Zm9v \t", "foo")]
    [InlineData("", "")]
    [InlineData(" ", "")]
    public void TryDecode_base64WithWhiteSpaceAround_givesItsBytes(string text, string expected)
    {
        Assert.True(SaslChallenge.TryDecode(text, out var bytes));
        Assert.Equal(expected, Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("!!not base64!!")]
    [InlineData("=")]
    [InlineData("Zm9")]
    public void TryDecode_notBase64_isFalse(string text)
    {
        Assert.False(SaslChallenge.TryDecode(text, out var bytes));
        Assert.Empty(bytes);
    }

    [Fact]
    public void EncodeInitial_emptyIsEquals_otherwiseBase64()
    {
        Assert.Equal("=", SaslChallenge.EncodeInitial([]));
        Assert.Equal("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", SaslChallenge.EncodeInitial(Encoding.UTF8.GetBytes("\0tim\0tanstaaftanstaaf")));
    }
}
