using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetKit.Sasl;

/// <summary>
/// SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: client-first "n,,n=user,r=nonce",
/// then the proof, then the server's signature is checked, so a server that does not know
/// the password cannot pretend to have accepted it.
/// </summary>
internal sealed class ScramSha256Client : SaslClientMechanism
{
    private const string Gs2Header = "n,,";

    private readonly string _password;
    private readonly string _clientNonce;
    private readonly string _clientFirstBare;
    private State _state;
    private byte[]? _expectedServerSignature;

    public ScramSha256Client(string userName, string password)
        : this(userName, password, Scram.NewNonce())
    {
    }

    /// <summary>With a chosen nonce: the RFC's test vector needs one.</summary>
    internal ScramSha256Client(string userName, string password, string clientNonce)
    {
        if (userName.Length == 0)
        {
            throw new SaslException("SCRAM-SHA-256: the user name is empty");
        }

        _password = password;
        _clientNonce = clientNonce;
        _clientFirstBare = $"n={Scram.EscapeUserName(userName)},r={clientNonce}";
    }

    private enum State
    {
        Initial,
        SentClientFirst,
        SentClientFinal,
        Verified,
    }

    public override string Name => Scram.MechanismName;

    public override bool SupportsInitialResponse => true;

    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        switch (_state)
        {
            case State.Initial:
                // SCRAM is client-first: a server that did not get an initial response sends an empty challenge.
                if (!challenge.IsEmpty)
                {
                    throw Fail("the server spoke first");
                }

                _state = State.SentClientFirst;
                return Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);
            case State.SentClientFirst:
                var clientFinal = ClientFinal(challenge);
                _state = State.SentClientFinal;
                return clientFinal;
            case State.SentClientFinal:
                // Some servers send "v=" as one more challenge and expect an empty response.
                VerifyServerFinal(challenge);
                return [];
            default:
                throw UnexpectedChallenge();
        }
    }

    public override void VerifyServerSuccess(ReadOnlySpan<byte> data)
    {
        if (_state == State.Verified && data.IsEmpty)
        {
            return;
        }

        if (_state != State.SentClientFinal)
        {
            throw Fail(_state == State.Verified ? "the server sent its signature twice" : "the server claims success before the client proved anything");
        }

        if (data.IsEmpty)
        {
            throw Fail("the server did not send its signature, so it has not proved it knows the password");
        }

        VerifyServerFinal(data);
    }

    private byte[] ClientFinal(ReadOnlySpan<byte> serverFirstBytes)
    {
        var serverFirst = Scram.DecodeUtf8(serverFirstBytes) ?? throw Fail("the server's first message is not UTF-8");
        var attributes = Scram.ParseAttributes(serverFirst) ?? throw Fail($"malformed server-first-message \"{serverFirst}\"");
        if (attributes[0].Name == 'm')
        {
            throw Fail("the server requires an extension this client does not know");
        }

        if (attributes.Count < 3 || attributes[0].Name != 'r' || attributes[1].Name != 's' || attributes[2].Name != 'i')
        {
            throw Fail($"malformed server-first-message \"{serverFirst}\" (expected r=, s=, i=)");
        }

        var nonce = attributes[0].Value;
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length || !Scram.IsValidNonce(nonce))
        {
            throw Fail("the server's nonce does not extend the client's");
        }

        var salt = Scram.DecodeBase64(attributes[1].Value) ?? throw Fail("the salt is not base64");
        if (!int.TryParse(attributes[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < 1 || iterations > Scram.MaxIterations)
        {
            throw Fail($"unacceptable iteration count \"{attributes[2].Value}\"");
        }

        var withoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header))},r={nonce}";
        var authMessage = $"{_clientFirstBare},{serverFirst},{withoutProof}";
        var saltedPassword = ScramCredential.SaltedPassword(_password, salt, iterations);
        _expectedServerSignature = Scram.ServerSignature(ScramCredential.FromSaltedPassword(salt, iterations, saltedPassword).ServerKey, authMessage);
        var proof = Scram.ClientProof(saltedPassword, authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    private void VerifyServerFinal(ReadOnlySpan<byte> data)
    {
        var serverFinal = Scram.DecodeUtf8(data) ?? throw Fail("the server's final message is not UTF-8");
        if (serverFinal.StartsWith("e=", StringComparison.Ordinal))
        {
            throw Fail($"the server refused: {serverFinal[2..]}");
        }

        var attributes = Scram.ParseAttributes(serverFinal);
        var signature = attributes is { Count: > 0 } && attributes[0].Name == 'v' ? Scram.DecodeBase64(attributes[0].Value) : null;
        if (signature is null)
        {
            throw Fail($"malformed server-final-message \"{serverFinal}\"");
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw Fail("wrong server signature: the server does not know the password");
        }

        _state = State.Verified;
        IsComplete = true;
    }

    private static SaslException Fail(string why) => new($"SCRAM-SHA-256: {why}");
}
