namespace NetKit.Sasl;

/// <summary>
/// The client side of one SASL exchange (RFC 4422). The protocol (SMTP, IMAP, POP3 ...)
/// does its own framing and base64; this object only turns challenges into responses.
/// </summary>
public abstract class SaslClientMechanism
{
    /// <summary>The IANA name: "SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN".</summary>
    public abstract string Name { get; }

    /// <summary>True when the first response can go with the AUTH command itself (PLAIN, SCRAM).</summary>
    public abstract bool SupportsInitialResponse { get; }

    /// <summary>True once the client has nothing more to send (and, for SCRAM, has verified the server).</summary>
    public bool IsComplete { get; protected set; }

    /// <summary>
    /// The response to <paramref name="challenge"/>, the server's decoded challenge (empty for the
    /// initial response). Throws <see cref="SaslException"/> on a malformed challenge, a challenge
    /// that comes after the exchange is over or, for SCRAM, a wrong server signature.
    /// </summary>
    public abstract byte[] Respond(ReadOnlySpan<byte> challenge);

    /// <summary>
    /// Checks the data that came with the server's success (SCRAM's "v=..."; may be empty).
    /// Throws <see cref="SaslException"/> when the server is not authentic.
    /// </summary>
    public virtual void VerifyServerSuccess(ReadOnlySpan<byte> data)
    {
    }

    /// <summary>The exception for a challenge that arrives when this mechanism expects none.</summary>
    private protected SaslException UnexpectedChallenge() => new($"{Name}: the server sent a challenge after the exchange was over");
}
