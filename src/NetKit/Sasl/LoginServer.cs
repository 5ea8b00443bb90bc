namespace NetKit.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login): challenges "Username:" then "Password:". A client
/// that sends the user name as an initial response skips the first question.
/// </summary>
internal sealed class LoginServer(ISaslCredentialStore users) : SaslServerMechanism
{
    private State _state;
    private string _userName = "";

    private enum State
    {
        Start,
        AskedUserName,
        AskedPassword,
        Done,
    }

    public override string Name => "LOGIN";

    public override async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.Start when response.IsEmpty:
                _state = State.AskedUserName;
                return SaslStep.Challenge("Username:"u8.ToArray());
            case State.Start:
            case State.AskedUserName:
                if (PasswordCheck.DecodeField(response.Span) is not { Length: > 0 } userName)
                {
                    _state = State.Done;
                    return SaslStep.Failure("malformed or empty LOGIN user name");
                }

                _userName = userName;
                _state = State.AskedPassword;
                return SaslStep.Challenge("Password:"u8.ToArray());
            case State.AskedPassword:
                _state = State.Done;
                if (PasswordCheck.DecodeField(response.Span) is not { Length: > 0 } password)
                {
                    return SaslStep.Failure("malformed or empty LOGIN password", _userName);
                }

                return await PasswordCheck.VerifyAsync(users, _userName, password, cancellationToken);
            default:
                return SaslStep.Failure("LOGIN exchange already over");
        }
    }
}
