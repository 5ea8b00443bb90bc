using NetKit.Sasl;

namespace NetKit.Tests.Sasl;

/// <summary>Our client mechanisms against our server mechanisms.</summary>
public class SaslLoopbackTests
{
    private readonly MemoryCredentialStore _users = new MemoryCredentialStore().Add("alice", "correct horse").Add("b,o=b", "pässwörd");

    public static TheoryData<string> Mechanisms => new(SaslServer.Supported);

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Run_rightPassword_succeeds(string mechanism)
    {
        var client = SaslClient.Create(mechanism, "alice", "correct horse");
        var step = await SaslExchange.RunAsync(client, SaslServer.Create(mechanism, _users));

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("alice", step.UserName);
        Assert.True(client.IsComplete);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Run_userNameWithCommaEqualsAndNonAsciiPassword_succeeds(string mechanism)
    {
        var step = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "b,o=b", "pässwörd"), SaslServer.Create(mechanism, _users));

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("b,o=b", step.UserName);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Run_wrongPassword_fails(string mechanism)
    {
        var step = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "alice", "wrong horse"), SaslServer.Create(mechanism, _users));

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal("wrong password", step.Reason);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Run_unknownUser_failsLikeAWrongPassword(string mechanism)
    {
        var step = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "mallory", "correct horse"), SaslServer.Create(mechanism, _users));

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal(["mallory"], _users.Lookups);
        Assert.Empty(step.Data);
    }

    [Fact]
    public async Task Run_scramServerSignatureSentAsChallenge_clientVerifiesItThere()
    {
        // SMTP has no room for data in 235, so its server sends "334 v=..." and waits for an empty answer.
        var client = SaslClient.Create("SCRAM-SHA-256", "alice", "correct horse");
        var server = SaslServer.Create("SCRAM-SHA-256", _users);
        var serverFirst = await server.StepAsync(client.Respond([]), CancellationToken.None);
        var success = await server.StepAsync(client.Respond(serverFirst.Data), CancellationToken.None);

        Assert.Empty(client.Respond(success.Data));
        Assert.True(client.IsComplete);
        client.VerifyServerSuccess([]);
    }

    [Fact]
    public async Task Run_scramServerNonce_extendsTheClientsWith24RandomBytes()
    {
        var client = new ScramSha256Client("alice", "x", "clientnonce");
        var first = await SaslServer.Create("SCRAM-SHA-256", _users).StepAsync(client.Respond([]), CancellationToken.None);

        var nonce = SaslExchange.Text(first.Data).Split(',')[0][2..];
        Assert.StartsWith("clientnonce", nonce, StringComparison.Ordinal);
        Assert.Equal(24, Convert.FromBase64String(nonce["clientnonce".Length..]).Length);
    }
}
