using NetKit.Sasl;
using static NetKit.Tests.Sasl.SaslExchange;

namespace NetKit.Tests.Sasl;

/// <summary>The SCRAM-SHA-256 exchange of RFC 7677 section 3, byte for byte, on both sides.</summary>
public class ScramTestVectorTests
{
    private const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonceSuffix = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    internal static ScramCredential PencilCredential()
    {
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        return ScramCredential.FromSaltedPassword(salt, 4096, ScramCredential.SaltedPassword("pencil", salt, 4096));
    }

    [Fact]
    public void Respond_rfc7677Exchange_sendsTheRfcMessagesAndAcceptsTheServerSignature()
    {
        var client = new ScramSha256Client("user", "pencil", ClientNonce);

        Assert.Equal(ClientFirst, Text(client.Respond([])));
        Assert.Equal(ClientFinal, Text(client.Respond(Bytes(ServerFirst))));
        Assert.False(client.IsComplete);
        client.VerifyServerSuccess(Bytes(ServerFinal));
        Assert.True(client.IsComplete);
    }

    [Fact]
    public void Respond_rfc7677ServerSignatureAsAChallenge_isVerifiedAndAnsweredEmpty()
    {
        var client = new ScramSha256Client("user", "pencil", ClientNonce);
        client.Respond([]);
        client.Respond(Bytes(ServerFirst));

        Assert.Empty(client.Respond(Bytes(ServerFinal)));
        Assert.True(client.IsComplete);
        client.VerifyServerSuccess([]);
    }

    [Fact]
    public async Task StepAsync_rfc7677Exchange_answersTheRfcMessages()
    {
        var users = new MemoryCredentialStore().Add("user", PencilCredential());
        var server = new ScramSha256Server(users, new byte[32], () => ServerNonceSuffix);

        var first = await server.StepAsync(Bytes(ClientFirst), CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        Assert.Equal(ServerFirst, Text(first.Data));

        var final = await server.StepAsync(Bytes(ClientFinal), CancellationToken.None);
        Assert.Equal(SaslStepKind.Success, final.Kind);
        Assert.Equal("user", final.UserName);
        Assert.Equal(ServerFinal, Text(final.Data));
    }

    [Fact]
    public void VerifyServerSuccess_wrongSignature_throws()
    {
        var client = new ScramSha256Client("user", "pencil", ClientNonce);
        client.Respond([]);
        client.Respond(Bytes(ServerFirst));

        var error = Assert.Throws<SaslException>(() => client.VerifyServerSuccess(Bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
        Assert.Contains("server signature", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsComplete);
    }

    [Fact]
    public void VerifyServerSuccess_noSignature_throws()
    {
        var client = new ScramSha256Client("user", "pencil", ClientNonce);
        client.Respond([]);
        client.Respond(Bytes(ServerFirst));

        Assert.Throws<SaslException>(() => client.VerifyServerSuccess([]));
    }

    [Fact]
    public void VerifyServerSuccess_beforeTheProof_throws()
    {
        var client = new ScramSha256Client("user", "pencil", ClientNonce);
        client.Respond([]);

        Assert.Throws<SaslException>(() => client.VerifyServerSuccess(Bytes(ServerFinal)));
    }

    [Fact]
    public void Respond_serverError_throwsWithItsText()
    {
        var client = new ScramSha256Client("user", "pencil", ClientNonce);
        client.Respond([]);
        client.Respond(Bytes(ServerFirst));

        var error = Assert.Throws<SaslException>(() => client.Respond(Bytes("e=invalid-proof")));
        Assert.Contains("invalid-proof", error.Message, StringComparison.Ordinal);
    }
}
