using NetKit.Sasl;
using static NetKit.Tests.Sasl.SaslExchange;

namespace NetKit.Tests.Sasl;

public class SaslServerTests
{
    private readonly MemoryCredentialStore _users = new MemoryCredentialStore().Add("tim", "tanstaaftanstaaf").Add("Kurt", "xipj3plmq");

    private Task<SaslStep> StepAsync(SaslServerMechanism server, string response) =>
        server.StepAsync(Bytes(response), CancellationToken.None).AsTask();

    [Fact]
    public void Supported_isScramPlainLogin() => Assert.Equal(["SCRAM-SHA-256", "PLAIN", "LOGIN"], SaslServer.Supported);

    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("GSSAPI")]
    [InlineData("")]
    public void Create_unknownMechanism_throwsSaslException(string mechanism) =>
        Assert.Throws<SaslException>(() => SaslServer.Create(mechanism, _users));

    [Fact]
    public async Task StepAsync_plainRfc4616Example_succeeds()
    {
        var server = SaslServer.Create("PLAIN", _users);

        // RFC 4616 section 4: S: + "" / C: <NUL>tim<NUL>tanstaaftanstaaf / S: OK
        var ask = await server.StepAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, ask.Kind);
        Assert.Empty(ask.Data);

        var step = await StepAsync(server, "\0tim\0tanstaaftanstaaf");
        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("tim", step.UserName);
        Assert.Empty(step.Data);
    }

    [Fact]
    public async Task StepAsync_plainRfc4616ProxyExample_isRefused()
    {
        // RFC 4616 section 4: Kurt asks to act as Ursel; this server lets nobody act as another user.
        var step = await StepAsync(SaslServer.Create("PLAIN", _users), "Ursel\0Kurt\0xipj3plmq");

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Contains("Ursel", step.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepAsync_plainAuthzidEqualToAuthcid_succeeds() =>
        Assert.Equal(SaslStepKind.Success, (await StepAsync(SaslServer.Create("PLAIN", _users), "tim\0tim\0tanstaaftanstaaf")).Kind);

    [Theory]
    [InlineData("tim\0tanstaaftanstaaf")]          // one NUL
    [InlineData("\0tim\0tanstaaftanstaaf\0")]      // three NULs
    [InlineData("\0\0tanstaaftanstaaf")]            // no authcid
    [InlineData("\0tim\0")]                         // no password
    [InlineData("garbage")]
    [InlineData("\0tim\0wrong")]
    [InlineData("\0nobody\0tanstaaftanstaaf")]
    public async Task StepAsync_plainMalformedOrWrong_fails(string message) =>
        Assert.Equal(SaslStepKind.Failure, (await StepAsync(SaslServer.Create("PLAIN", _users), message)).Kind);

    [Fact]
    public async Task StepAsync_plainNotUtf8_fails()
    {
        var step = await SaslServer.Create("PLAIN", _users).StepAsync(new byte[] { 0, (byte)'t', 0, 0xFF, 0xFE }, CancellationToken.None);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
    }

    [Fact]
    public async Task StepAsync_plainEmptyTwice_failsThenStaysFailed()
    {
        var server = SaslServer.Create("PLAIN", _users);
        await StepAsync(server, "");

        Assert.Equal(SaslStepKind.Failure, (await StepAsync(server, "")).Kind);
        Assert.Equal(SaslStepKind.Failure, (await StepAsync(server, "\0tim\0tanstaaftanstaaf")).Kind);
    }

    [Fact]
    public async Task StepAsync_login_asksUserNameThenPassword()
    {
        var server = SaslServer.Create("LOGIN", _users);

        var first = await StepAsync(server, "");
        Assert.Equal("Username:", Text(first.Data));
        var second = await StepAsync(server, "tim");
        Assert.Equal("Password:", Text(second.Data));
        var last = await StepAsync(server, "tanstaaftanstaaf");
        Assert.Equal(SaslStepKind.Success, last.Kind);
        Assert.Equal("tim", last.UserName);
        Assert.Equal(SaslStepKind.Failure, (await StepAsync(server, "more")).Kind);
    }

    [Fact]
    public async Task StepAsync_loginUserNameAsInitialResponse_asksOnlyThePassword()
    {
        var server = SaslServer.Create("LOGIN", _users);

        Assert.Equal("Password:", Text((await StepAsync(server, "tim")).Data));
        Assert.Equal(SaslStepKind.Success, (await StepAsync(server, "tanstaaftanstaaf")).Kind);
    }

    [Theory]
    [InlineData("", "tanstaaftanstaaf")]
    [InlineData("t\0im", "tanstaaftanstaaf")]
    [InlineData("tim", "")]
    [InlineData("tim", "tanstaaf\0tanstaaf")]
    public async Task StepAsync_loginEmptyOrNulField_fails(string user, string password)
    {
        var server = SaslServer.Create("LOGIN", _users);
        await StepAsync(server, "");
        var step = await StepAsync(server, user);
        if (step.Kind == SaslStepKind.Challenge)
        {
            step = await StepAsync(server, password);
        }

        Assert.Equal(SaslStepKind.Failure, step.Kind);
    }

    [Fact]
    public async Task StepAsync_randomResponses_neverThrow()
    {
        var random = new Random(5802);
        foreach (var mechanism in SaslServer.Supported)
        {
            for (var i = 0; i < 100; i++)
            {
                var server = SaslServer.Create(mechanism, _users);
                for (var round = 0; round < 4; round++)
                {
                    var response = new byte[random.Next(0, 64)];
                    random.NextBytes(response);
                    var step = await server.StepAsync(response, CancellationToken.None);
                    Assert.NotEqual(SaslStepKind.Success, step.Kind);
                }
            }
        }
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Create_storeWithCanonicalNames_successReportsTheStoresSpelling(string mechanism)
    {
        var step = await RunAsync(SaslClient.Create(mechanism, "TIM", "tanstaaftanstaaf"), SaslServer.Create(mechanism, new StoreWithSecret(_users, new byte[32])));

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("tim", step.UserName);
    }

    [Fact]
    public async Task Create_storeWithItsOwnScramSecret_unknownUsersFakeSaltFollowsThatSecret()
    {
        var secret = Enumerable.Repeat((byte)7, 32).ToArray();

        var first = await FakeSaltAsync(new StoreWithSecret(_users, secret));
        var sameSecret = await FakeSaltAsync(new StoreWithSecret(_users, (byte[])secret.Clone())); // a restarted process
        var otherSecret = await FakeSaltAsync(new StoreWithSecret(_users, new byte[32]));

        Assert.Equal(first, sameSecret);
        Assert.NotEqual(first, otherSecret);
    }

    private static async Task<string> FakeSaltAsync(ISaslCredentialStore users)
    {
        var step = await SaslServer.Create("SCRAM-SHA-256", users).StepAsync(Bytes("n,,n=ghost,r=abcdef"), CancellationToken.None);
        return Text(step.Data).Split(',')[1];
    }

    /// <summary>A store that keeps a SCRAM secret and spells names in lower case, as the mail store does.</summary>
    private sealed class StoreWithSecret(MemoryCredentialStore users, byte[] secret) : ISaslCredentialStore
    {
        public ReadOnlyMemory<byte> ScramSecret => secret;

        public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) => users.FindAsync(userName, cancellationToken);

        public string CanonicalName(string userName) => userName.ToLowerInvariant();
    }
}
