namespace NetKit.Sasl;

/// <summary>
/// PLAIN (RFC 4616): "authzid NUL authcid NUL password". Acting as another user is not
/// offered, so the authzid must be empty or the authcid itself.
/// </summary>
internal sealed class PlainServer(ISaslCredentialStore users) : SaslServerMechanism
{
    private bool _askedForMessage;
    private bool _done;

    public override string Name => "PLAIN";

    public override async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return SaslStep.Failure("PLAIN exchange already over");
        }

        if (response.IsEmpty && !_askedForMessage)
        {
            // No initial response: an empty challenge asks for the message.
            _askedForMessage = true;
            return SaslStep.Challenge([]);
        }

        _done = true;
        if (!TryParse(response.Span, out var authzid, out var authcid, out var password))
        {
            return SaslStep.Failure("malformed PLAIN message");
        }

        if (authzid.Length > 0 && authzid != authcid)
        {
            return SaslStep.Failure($"authorization identity \"{authzid}\" differs from \"{authcid}\"", authcid);
        }

        return await PasswordCheck.VerifyAsync(users, authcid, password, cancellationToken);
    }

    /// <summary>Exactly two NULs, strict UTF-8, authcid and password not empty (RFC 4616's 1*SAFE).</summary>
    private static bool TryParse(ReadOnlySpan<byte> message, out string authzid, out string authcid, out string password)
    {
        authzid = authcid = password = "";
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }

        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        if (second < 0)
        {
            return false;
        }

        var zid = PasswordCheck.DecodeField(message[..first]);
        var cid = PasswordCheck.DecodeField(rest[..second]);
        var pass = PasswordCheck.DecodeField(rest[(second + 1)..]);
        if (zid is null || cid is not { Length: > 0 } || pass is not { Length: > 0 })
        {
            return false;
        }

        (authzid, authcid, password) = (zid, cid, pass);
        return true;
    }
}
