using System.Security.Cryptography;
using NetKit.Sasl;
using NetKit.Tests.Support;
using static NetKit.Tests.Sasl.SaslExchange;

namespace NetKit.Tests.Sasl;

/// <summary>
/// SCRAM-SHA-256 checked against an implementation nobody here wrote: Python's hashlib and
/// hmac compute, from the same messages, the client's final message and the server's signature.
/// </summary>
public class ScramPythonPeerTests
{
    private const string Password = "pässwörd";   // non-ASCII: UTF-8 on both sides

    // argv: password salt-base64 iterations client-first-bare server-first client-final-without-proof
    private const string Script = """
        import base64, hashlib, hmac, sys, unicodedata
        password, salt, iterations, client_first_bare, server_first, without_proof = sys.argv[1:]
        salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(), base64.b64decode(salt), int(iterations))
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        auth = ",".join([client_first_bare, server_first, without_proof]).encode()
        signature = hmac.new(hashlib.sha256(client_key).digest(), auth, "sha256").digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.new(salted, b"Server Key", "sha256").digest()
        print(without_proof + ",p=" + base64.b64encode(proof).decode())
        print("v=" + base64.b64encode(hmac.new(server_key, auth, "sha256").digest()).decode())
        """;

    private static async Task<(string ClientFinal, string ServerFinal)> PythonAsync(
        string salt, int iterations, string clientFirstBare, string serverFirst, string withoutProof)
    {
        var result = await ProcessRunner.RunAsync(
            PeerPrograms.Python3,
            ["-c", Script, Password, salt, iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), clientFirstBare, serverFirst, withoutProof],
            timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 2, result.ToString());
        return (lines[0], lines[1]);
    }

    [Fact]
    public async Task Respond_pythonComputedServer_sendsTheProofPythonExpectsAndAcceptsItsSignature()
    {
        var client = SaslClient.Create("SCRAM-SHA-256", "carol", Password);
        var clientFirst = Text(client.Respond([]));
        Assert.StartsWith("n,,", clientFirst, StringComparison.Ordinal);
        var clientFirstBare = clientFirst[3..];
        var nonce = clientFirstBare.Split(",r=")[1] + "PythonServerPart";
        var salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var serverFirst = $"r={nonce},s={salt},i=4096";

        var (expectedFinal, serverFinal) = await PythonAsync(salt, 4096, clientFirstBare, serverFirst, $"c=biws,r={nonce}");

        Assert.Equal(expectedFinal, Text(client.Respond(Bytes(serverFirst))));
        client.VerifyServerSuccess(Bytes(serverFinal));
        Assert.True(client.IsComplete);
    }

    [Fact]
    public async Task StepAsync_pythonComputedClient_isAcceptedWithTheSignaturePythonExpects()
    {
        var server = SaslServer.Create("SCRAM-SHA-256", new MemoryCredentialStore().Add("carol", Password));
        var clientFirstBare = $"n=carol,r={Convert.ToBase64String(RandomNumberGenerator.GetBytes(18))}";
        var first = await server.StepAsync(Bytes("n,," + clientFirstBare), CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        var serverFirst = Text(first.Data);
        var fields = serverFirst.Split(',');

        var (clientFinal, serverFinal) = await PythonAsync(fields[1][2..], int.Parse(fields[2][2..], System.Globalization.CultureInfo.InvariantCulture), clientFirstBare, serverFirst, $"c=biws,{fields[0]}");
        var success = await server.StepAsync(Bytes(clientFinal), CancellationToken.None);

        Assert.Equal(SaslStepKind.Success, success.Kind);
        Assert.Equal("carol", success.UserName);
        Assert.Equal(serverFinal, Text(success.Data));
    }
}
