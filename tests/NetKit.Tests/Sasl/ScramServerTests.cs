using NetKit.Sasl;
using static NetKit.Tests.Sasl.SaslExchange;

namespace NetKit.Tests.Sasl;

/// <summary>The SCRAM-SHA-256 server against malformed, tampered and enumerating clients.</summary>
public class ScramServerTests
{
    private const string ServerFirstPrefix = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    private readonly MemoryCredentialStore _users = new MemoryCredentialStore().Add("user", ScramTestVectorTests.PencilCredential());

    private ScramSha256Server NewServer(byte[]? secret = null) =>
        new(_users, secret ?? new byte[32], () => "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

    private static async Task<SaslStep> StepAsync(SaslServerMechanism server, string response) =>
        await server.StepAsync(Bytes(response), CancellationToken.None);

    [Fact]
    public async Task StepAsync_emptyFirstResponse_asksForClientFirst()
    {
        var step = await StepAsync(NewServer(), "");
        Assert.Equal(SaslStepKind.Challenge, step.Kind);
        Assert.Empty(step.Data);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("n,,")]
    [InlineData("n,")]
    [InlineData("p=tls-unique,,n=user,r=abc")]                        // channel binding required
    [InlineData("x,,n=user,r=abc")]
    [InlineData("n,,m=ext,n=user,r=abc")]                             // mandatory extension
    [InlineData("n,,r=abc,n=user")]                                   // wrong order
    [InlineData("n,,n=user")]                                         // no nonce
    [InlineData("n,,n=,r=abc")]                                       // empty user
    [InlineData("n,,n=us=er,r=abc")]                                  // bad escape
    [InlineData("n,,n=us=2,r=abc")]                                   // truncated escape
    [InlineData("n,,n=user,r=")]                                      // empty nonce
    [InlineData("n,,n=user,r=a b")]                                   // nonce not printable
    [InlineData("n,,n=user,,r=abc")]
    [InlineData("n,a=other,n=user,r=abc")]                            // acting as another user
    [InlineData("n,x=user,n=user,r=abc")]
    public async Task StepAsync_malformedClientFirst_fails(string clientFirst)
    {
        var step = await StepAsync(NewServer(), clientFirst);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.NotNull(step.Reason);
    }

    [Theory]
    [InlineData("y,,", "eSws")]
    [InlineData("n,a=user,", "bixhPXVzZXIs")]
    public async Task StepAsync_yFlagOrOwnAuthzid_isAcceptedAndMustBeRepeatedInChannelBinding(string gs2Header, string channelBinding)
    {
        const string Bare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
        var server = NewServer();
        var first = await StepAsync(server, gs2Header + Bare);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        var withoutProof = $"c={channelBinding},{ServerFirstPrefix}";
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        var proof = Scram.ClientProof(ScramCredential.SaltedPassword("pencil", salt, 4096), $"{Bare},{Text(first.Data)},{withoutProof}");

        var final = await StepAsync(server, $"{withoutProof},p={Convert.ToBase64String(proof)}");

        Assert.Equal(SaslStepKind.Success, final.Kind);
        Assert.Equal("user", final.UserName);
    }

    [Theory]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVq=")] // tampered proof
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")] // wrong nonce
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")]                                 // only the client nonce
    [InlineData("c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")] // other GS2 header
    [InlineData("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")]        // no c=
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")]                                                 // no proof
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=")]                                               // empty proof
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=not*base64")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA")]                                           // short proof
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1")] // proof not last
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjf MHgsqmmiz7AndVQ=")] // whitespace in proof
    [InlineData("garbage")]
    [InlineData("")]
    public async Task StepAsync_badClientFinal_fails(string clientFinal)
    {
        var server = NewServer();
        await StepAsync(server, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");

        var step = await StepAsync(server, clientFinal);

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Empty(step.Data);
        Assert.Equal(SaslStepKind.Failure, (await StepAsync(server, "c=biws")).Kind);
    }

    [Fact]
    public async Task StepAsync_clientFinalNotUtf8_fails()
    {
        var server = NewServer();
        await StepAsync(server, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");

        var step = await server.StepAsync(new byte[] { (byte)'c', (byte)'=', 0xFF }, CancellationToken.None);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
    }

    [Fact]
    public async Task StepAsync_unknownUser_getsAStableFakeSaltAndTheSameIterations()
    {
        var secret = new byte[32];
        secret[0] = 1;
        var first = await StepAsync(NewServer(secret), "n,,n=nobody,r=abc");
        var again = await StepAsync(NewServer(secret), "n,,n=nobody,r=abc");
        var other = await StepAsync(NewServer(secret), "n,,n=somebody,r=abc");
        var otherSecret = await StepAsync(NewServer(), "n,,n=nobody,r=abc");

        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        var attributes = Text(first.Data).Split(',');
        Assert.Equal(16, Convert.FromBase64String(attributes[1][2..]).Length);
        Assert.Equal("i=4096", attributes[2]);
        Assert.Equal(Text(first.Data), Text(again.Data));
        Assert.NotEqual(attributes[1], Text(other.Data).Split(',')[1]);
        Assert.NotEqual(attributes[1], Text(otherSecret.Data).Split(',')[1]);
    }

    [Fact]
    public async Task StepAsync_escapedUserName_isLookedUpUnescaped()
    {
        var users = new MemoryCredentialStore();
        await StepAsync(new ScramSha256Server(users, new byte[32]), "n,,n=a=2Cb=3Dc,r=abc");
        Assert.Equal(["a,b=c"], users.Lookups);
    }
}
