using NetKit.Sasl;
using static NetKit.Tests.Sasl.SaslExchange;

namespace NetKit.Tests.Sasl;

public class SaslClientTests
{
    [Fact]
    public void Respond_cramMd5Rfc2195Example_answersTheRfcDigest()
    {
        var client = SaslClient.Create("CRAM-MD5", "tim", "tanstaaftanstaaf");

        var response = client.Respond(Bytes("<1896.697170952@postoffice.reston.mci.net>"));

        Assert.Equal("tim b913a602c7eda7a495b4e6e7334d3890", Text(response));
        Assert.True(client.IsComplete);
        Assert.False(client.SupportsInitialResponse);
    }

    [Fact]
    public void Respond_cramMd5EmptyChallenge_throws() =>
        Assert.Throws<SaslException>(() => SaslClient.Create("CRAM-MD5", "tim", "x").Respond([]));

    [Fact]
    public void Respond_plainRfc4616Example_sendsNulUserNulPassword()
    {
        var client = SaslClient.Create("PLAIN", "tim", "tanstaaftanstaaf");

        Assert.True(client.SupportsInitialResponse);
        Assert.Equal("\0tim\0tanstaaftanstaaf", Text(client.Respond([])));
        Assert.True(client.IsComplete);
        Assert.Throws<SaslException>(() => client.Respond([]));
    }

    [Theory]
    [InlineData("ti\0m", "pw")]
    [InlineData("tim", "p\0w")]
    [InlineData("", "pw")]
    public void Create_plainWithNulOrNoUser_throws(string user, string password) =>
        Assert.Throws<SaslException>(() => SaslClient.Create("PLAIN", user, password));

    [Fact]
    public void Respond_login_answersUserThenPasswordWhateverThePrompt()
    {
        var client = SaslClient.Create("login", "tim", "secret");

        Assert.Equal("LOGIN", client.Name);
        Assert.Equal("tim", Text(client.Respond(Bytes("User Name"))));
        Assert.False(client.IsComplete);
        Assert.Equal("secret", Text(client.Respond([])));
        Assert.True(client.IsComplete);
        Assert.Throws<SaslException>(() => client.Respond(Bytes("Password:")));
    }

    [Fact]
    public void Create_unknownMechanism_throwsNamingIt()
    {
        var error = Assert.Throws<SaslException>(() => SaslClient.Create("GSSAPI", "u", "p"));
        Assert.Contains("GSSAPI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Supported_listsStrongestFirst() =>
        Assert.Equal(["SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"], SaslClient.Supported);

    [Theory]
    [InlineData("PLAIN LOGIN CRAM-MD5", "CRAM-MD5")]
    [InlineData("login plain", "PLAIN")]
    [InlineData("SCRAM-SHA-1 SCRAM-SHA-256 PLAIN", "SCRAM-SHA-256")]
    [InlineData("LOGIN", "LOGIN")]
    public void ChooseBest_offered_picksTheStrongestKnown(string offered, string expected) =>
        Assert.Equal(expected, SaslClient.ChooseBest(offered.Split(' '), "u", "p")?.Name);

    [Fact]
    public void ChooseBest_nothingKnown_returnsNull() =>
        Assert.Null(SaslClient.ChooseBest(["GSSAPI", "XOAUTH2"], "u", "p"));

    [Fact]
    public void Respond_scramUserNameWithCommaAndEquals_escapesThem()
    {
        var client = new ScramSha256Client("a,b=c", "pw", "abc");
        Assert.Equal("n,,n=a=2Cb=3Dc,r=abc", Text(client.Respond([])));
    }

    [Fact]
    public void Respond_scramRandomNonce_is24BytesOfBase64AndDiffersEachTime()
    {
        string Nonce() => Text(SaslClient.Create("SCRAM-SHA-256", "u", "p").Respond([])).Split(",r=")[1];

        var first = Nonce();
        Assert.Equal(24, Convert.FromBase64String(first).Length);
        Assert.NotEqual(first, Nonce());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("r=abcXYZ,s=c2FsdA==")]                       // no iteration count
    [InlineData("r=zzzXYZ,s=c2FsdA==,i=4096")]                // nonce does not start with ours
    [InlineData("r=abc,s=c2FsdA==,i=4096")]                   // nonce not extended
    [InlineData("r=abcXYZ,s=not*base64,i=4096")]
    [InlineData("r=abcXYZ,s=,i=4096")]
    [InlineData("r=abcXYZ,s=c2Fs dA==,i=4096")]
    [InlineData("r=abcXYZ,s=c2FsdA==,i=0")]
    [InlineData("r=abcXYZ,s=c2FsdA==,i=-1")]
    [InlineData("r=abcXYZ,s=c2FsdA==,i=99999999999")]
    [InlineData("r=abcXYZ,s=c2FsdA==,i=10000001")]
    [InlineData("r=abcXYZ,s=c2FsdA==,i= 4096")]
    [InlineData("m=ext,r=abcXYZ,s=c2FsdA==,i=4096")]         // mandatory extension
    [InlineData("s=c2FsdA==,r=abcXYZ,i=4096")]                // wrong order
    [InlineData("r=abcXYZ,,s=c2FsdA==,i=4096")]
    public void Respond_scramMalformedServerFirst_throwsSaslException(string serverFirst)
    {
        var client = new ScramSha256Client("user", "pencil", "abc");
        client.Respond([]);

        Assert.Throws<SaslException>(() => client.Respond(Bytes(serverFirst)));
    }

    [Fact]
    public void Respond_scramServerFirstNotUtf8_throwsSaslException()
    {
        var client = new ScramSha256Client("user", "pencil", "abc");
        client.Respond([]);

        Assert.Throws<SaslException>(() => client.Respond([(byte)'r', (byte)'=', 0xC3, 0x28]));
    }

    [Fact]
    public void Respond_scramServerSpeaksFirst_throwsSaslException() =>
        Assert.Throws<SaslException>(() => SaslClient.Create("SCRAM-SHA-256", "u", "p").Respond(Bytes("r=x,s=eA==,i=1")));

    [Theory]
    [InlineData("v=")]
    [InlineData("v=***")]
    [InlineData("x=abc")]
    [InlineData("garbage")]
    public void VerifyServerSuccess_malformedServerFinal_throwsSaslException(string serverFinal)
    {
        var client = new ScramSha256Client("user", "pencil", "abc");
        client.Respond([]);
        client.Respond(Bytes("r=abcXYZ,s=c2FsdA==,i=1"));

        Assert.Throws<SaslException>(() => client.VerifyServerSuccess(Bytes(serverFinal)));
    }

    [Fact]
    public void Respond_randomChallenges_onlyEverThrowSaslException()
    {
        var random = new Random(4422);
        foreach (var mechanism in SaslClient.Supported)
        {
            for (var i = 0; i < 200; i++)
            {
                var client = SaslClient.Create(mechanism, "user", "pencil");
                try
                {
                    for (var round = 0; round < 4; round++)
                    {
                        var challenge = new byte[random.Next(0, 64)];
                        random.NextBytes(challenge);
                        client.Respond(round == 0 && client.SupportsInitialResponse ? [] : challenge);
                    }

                    client.VerifyServerSuccess(new byte[random.Next(0, 8)]);
                }
                catch (SaslException)
                {
                    // The only failure a client may report.
                }
            }
        }
    }
}
