namespace NetKit.Sasl;

public enum SaslStepKind
{
    Challenge,
    Success,
    Failure,
}

/// <summary>
/// One server step. Challenge: <see cref="Data"/> to send. Success: <see cref="UserName"/> is
/// authenticated and <see cref="Data"/> is additional success data (SCRAM's "v="), possibly empty.
/// Failure: <see cref="Reason"/> is for logs; the protocol sends its own generic failure reply,
/// so a client never learns whether the user or the password was wrong.
/// </summary>
public sealed record SaslStep(SaslStepKind Kind, byte[] Data, string? UserName, string? Reason)
{
    public static SaslStep Challenge(byte[] data) => new(SaslStepKind.Challenge, data, null, null);

    public static SaslStep Success(string userName, byte[]? data = null) => new(SaslStepKind.Success, data ?? [], userName, null);

    public static SaslStep Failure(string reason, string? userName = null) => new(SaslStepKind.Failure, [], userName, reason);
}
