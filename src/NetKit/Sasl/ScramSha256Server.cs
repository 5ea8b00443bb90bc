using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetKit.Sasl;

/// <summary>
/// SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, without channel binding. An unknown user
/// gets a salt and keys derived from a server secret and the name, so the exchange looks and
/// costs the same as a real user's with a wrong password, and always the same for that name.
/// </summary>
internal sealed class ScramSha256Server : SaslServerMechanism
{
    private readonly ISaslCredentialStore _users;
    private readonly byte[] _secret;
    private readonly Func<string> _newNonceSuffix;
    private State _state;
    private string _gs2Header = "";
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private string _userName = "";
    private ScramCredential? _credential;
    private bool _knownUser;

    /// <param name="secret">Keys the fake credentials of unknown users.</param>
    /// <param name="newNonceSuffix">The server's part of the nonce; injectable for the RFC's test vector.</param>
    internal ScramSha256Server(ISaslCredentialStore users, byte[] secret, Func<string>? newNonceSuffix = null)
    {
        _users = users;
        _secret = secret;
        _newNonceSuffix = newNonceSuffix ?? Scram.NewNonce;
    }

    private enum State
    {
        Start,
        SentServerFirst,
        Done,
    }

    public override string Name => Scram.MechanismName;

    public override async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.Start when response.IsEmpty:
                // SCRAM is client-first; an empty challenge asks for the client's first message.
                return SaslStep.Challenge([]);
            case State.Start:
                var step = await ServerFirstAsync(response, cancellationToken);
                _state = step.Kind == SaslStepKind.Challenge ? State.SentServerFirst : State.Done;
                return step;
            case State.SentServerFirst:
                _state = State.Done;
                return ServerFinal(response.Span);
            default:
                return SaslStep.Failure("SCRAM-SHA-256 exchange already over");
        }
    }

    /// <summary>client-first-message = gs2-header client-first-message-bare; parsed strictly.</summary>
    private async ValueTask<SaslStep> ServerFirstAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        var message = Scram.DecodeUtf8(response.Span);
        if (message is null)
        {
            return SaslStep.Failure("client-first-message is not UTF-8");
        }

        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        var firstComma = message.IndexOf(',', StringComparison.Ordinal);
        var secondComma = firstComma < 0 ? -1 : message.IndexOf(',', firstComma + 1);
        if (secondComma < 0)
        {
            return SaslStep.Failure("client-first-message has no GS2 header");
        }

        var flag = message[..firstComma];
        if (flag.StartsWith("p=", StringComparison.Ordinal))
        {
            return SaslStep.Failure("the client requires channel binding, which is not offered");
        }

        if (flag is not ("n" or "y"))
        {
            return SaslStep.Failure($"unknown GS2 channel-binding flag \"{flag}\"");
        }

        var authzid = message[(firstComma + 1)..secondComma];
        _gs2Header = message[..(secondComma + 1)];
        _clientFirstBare = message[(secondComma + 1)..];
        var attributes = Scram.ParseAttributes(_clientFirstBare);
        if (attributes is { Count: > 0 } && attributes[0].Name == 'm')
        {
            return SaslStep.Failure("the client requires an unknown SCRAM extension");
        }

        if (attributes is null || attributes.Count < 2 || attributes[0].Name != 'n' || attributes[1].Name != 'r')
        {
            return SaslStep.Failure("malformed client-first-message (expected n=, r=)");
        }

        var userName = Scram.UnescapeUserName(attributes[0].Value);
        if (userName is null)
        {
            return SaslStep.Failure("malformed user name in client-first-message");
        }

        if (authzid.Length > 0 && (!authzid.StartsWith("a=", StringComparison.Ordinal) || Scram.UnescapeUserName(authzid[2..]) != userName))
        {
            return SaslStep.Failure($"authorization identity \"{authzid}\" is not the user's own", userName);
        }

        var clientNonce = attributes[1].Value;
        if (!Scram.IsValidNonce(clientNonce))
        {
            return SaslStep.Failure("malformed client nonce", userName);
        }

        _userName = userName;
        _credential = await _users.FindAsync(userName, cancellationToken);
        _knownUser = _credential is not null;
        _credential ??= FakeCredential(userName);
        _nonce = clientNonce + _newNonceSuffix();
        _serverFirst = string.Create(
            CultureInfo.InvariantCulture,
            $"r={_nonce},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}");
        return SaslStep.Challenge(Encoding.UTF8.GetBytes(_serverFirst));
    }

    /// <summary>client-final-message = "c=" gs2-header-base64 ",r=" nonce [extensions] ",p=" proof.</summary>
    private SaslStep ServerFinal(ReadOnlySpan<byte> response)
    {
        var message = Scram.DecodeUtf8(response);
        var attributes = message is null ? null : Scram.ParseAttributes(message);
        if (message is null || attributes is null || attributes.Count < 3
            || attributes[0].Name != 'c' || attributes[1].Name != 'r' || attributes[^1].Name != 'p')
        {
            return SaslStep.Failure("malformed client-final-message (expected c=, r=, p=)", _userName);
        }

        if (attributes[0].Value != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)))
        {
            return SaslStep.Failure("channel-binding data does not repeat the GS2 header", _userName);
        }

        if (attributes[1].Value != _nonce)
        {
            return SaslStep.Failure("wrong nonce in client-final-message", _userName);
        }

        var proof = Scram.DecodeBase64(attributes[^1].Value);
        if (proof is null)
        {
            return SaslStep.Failure("client proof is not base64", _userName);
        }

        var credential = _credential!;
        var authMessage = $"{_clientFirstBare},{_serverFirst},{message[..message.LastIndexOf(",p=", StringComparison.Ordinal)]}";
        if (!Scram.VerifyClientProof(credential.StoredKey, authMessage, proof) || !_knownUser)
        {
            return SaslStep.Failure(_knownUser ? "wrong password" : "no such user", _userName);
        }

        var signature = Scram.ServerSignature(credential.ServerKey, authMessage);
        return SaslStep.Success(_users.CanonicalName(_userName), Encoding.UTF8.GetBytes($"v={Convert.ToBase64String(signature)}"));
    }

    /// <summary>A stable salt and keys for a user name that does not exist, keyed by the server secret.</summary>
    private ScramCredential FakeCredential(string userName)
    {
        byte[] Derive(string label) => HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"{label}\0{userName}"));
        return new ScramCredential(Derive("salt")[..16], ScramCredential.DefaultIterations, Derive("stored-key"), Derive("server-key"));
    }
}
