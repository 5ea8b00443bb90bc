using System.Text;

namespace NetKit.Sasl;

/// <summary>PLAIN (RFC 4616): one message, "authzid NUL authcid NUL password", sent with no authzid.</summary>
internal sealed class PlainClient : SaslClientMechanism
{
    private readonly string _userName;
    private readonly string _password;

    public PlainClient(string userName, string password)
    {
        if (userName.Length == 0 || userName.Contains('\0', StringComparison.Ordinal) || password.Contains('\0', StringComparison.Ordinal))
        {
            throw new SaslException("PLAIN: the user name must not be empty and neither it nor the password may contain NUL");
        }

        _userName = userName;
        _password = password;
    }

    public override string Name => "PLAIN";

    public override bool SupportsInitialResponse => true;

    /// <summary>The first challenge (empty, or whatever a server sends instead of "334 ") gets the whole message.</summary>
    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        if (IsComplete)
        {
            throw UnexpectedChallenge();
        }

        IsComplete = true;
        return Encoding.UTF8.GetBytes($"\0{_userName}\0{_password}");
    }
}
