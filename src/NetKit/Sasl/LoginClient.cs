using System.Text;

namespace NetKit.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login): the server asks twice and the client answers the
/// user name, then the password. Servers word their prompts freely ("Username:",
/// "User Name", nothing), so the challenge text is not checked.
/// </summary>
internal sealed class LoginClient(string userName, string password) : SaslClientMechanism
{
    private int _answered;

    public override string Name => "LOGIN";

    public override bool SupportsInitialResponse => false;

    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        switch (_answered++)
        {
            case 0:
                return Encoding.UTF8.GetBytes(userName);
            case 1:
                IsComplete = true;
                return Encoding.UTF8.GetBytes(password);
            default:
                throw UnexpectedChallenge();
        }
    }
}
