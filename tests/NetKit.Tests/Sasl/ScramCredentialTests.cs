using NetKit.Sasl;

namespace NetKit.Tests.Sasl;

public sealed class ScramCredentialTests
{
    [Fact]
    public void Verify_compatibilityForm_matchesItsNfkcForm()
    {
        // SASLprep (RFC 4013) maps with NFKC: the ligature "ﬁ" and full-width letters are the same password
        // as their plain forms. This fails if the build goes back to invariant globalization (a no-op Normalize).
        var credential = ScramCredential.Create("\uFB01sh\uFF21", iterations: 1);

        Assert.True(credential.Verify("fishA"));
        Assert.False(credential.Verify("fishB"));
    }

    [Fact]
    public void Parse_serializedCredential_roundTrips()
    {
        var credential = ScramCredential.Create("pencil", iterations: 4096);

        var parsed = ScramCredential.Parse(credential.Serialize());

        Assert.Equal(credential.Salt, parsed.Salt);
        Assert.Equal(4096, parsed.Iterations);
        Assert.Equal(credential.StoredKey, parsed.StoredKey);
        Assert.Equal(credential.ServerKey, parsed.ServerKey);
        Assert.True(parsed.Verify("pencil"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MD5$1:AA==$AA==:AA==")]
    [InlineData("SCRAM-SHA-256$0:AA==$AA==:AA==")]
    [InlineData("SCRAM-SHA-256$x:AA==$AA==:AA==")]
    [InlineData("SCRAM-SHA-256$4096:AA==$AA==")]
    public void Parse_malformed_throwsFormatException(string text)
    {
        Assert.ThrowsAny<FormatException>(() => ScramCredential.Parse(text));
    }
}
