using NetKit.Sasl;

namespace NetKit.Tests.Sasl;

public class SaslResponseTests
{
    [Theory]
    [InlineData("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "\0tim\0tanstaaftanstaaf")]
    [InlineData("Zm9v", "foo")]
    [InlineData("Zg==", "f")]
    [InlineData("", "")]
    public void TryDecode_base64_givesItsBytes(string text, string expected)
    {
        Assert.True(SaslResponse.TryDecode(text, out var bytes));
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("!!!")]
    [InlineData("Zg=")]
    [InlineData("Zm9")]
    [InlineData("%%%")]
    public void TryDecode_notBase64_isFalseAndEmpty(string text)
    {
        Assert.False(SaslResponse.TryDecode(text, out var bytes));
        Assert.Empty(bytes);
    }

    [Fact]
    public void TryDecode_equals_isEmptyOnlyWhenAsked()
    {
        Assert.False(SaslResponse.TryDecode("=", out _));
        Assert.True(SaslResponse.TryDecode("=", out var bytes, equalsIsEmpty: true));
        Assert.Empty(bytes);
    }

    [Theory]
    [InlineData("Zm9v YmFy")]
    [InlineData("Zm9v\tYmFy")]
    [InlineData(" Zm9vYmFy")]
    public void TryDecode_whiteSpace_isSkippedUnlessRejected(string text)
    {
        Assert.True(SaslResponse.TryDecode(text, out var bytes));
        Assert.Equal("foobar"u8.ToArray(), bytes);
        Assert.False(SaslResponse.TryDecode(text, out bytes, rejectWhiteSpace: true));
        Assert.Empty(bytes);
    }

    [Fact]
    public void TryDecode_longResponse_roundTrips()
    {
        var data = Enumerable.Range(0, 9_000).Select(i => (byte)i).ToArray();
        Assert.True(SaslResponse.TryDecode(Convert.ToBase64String(data), out var bytes, rejectWhiteSpace: true));
        Assert.Equal(data, bytes);
    }
}
