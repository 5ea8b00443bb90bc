using System.Security.Cryptography;

namespace NetKit.Sasl;

/// <summary>
/// The plaintext-password check PLAIN and LOGIN share. An unknown user is checked against a
/// dummy credential, so it costs the same PBKDF2 as a wrong password and timing does not tell
/// a client which user names exist.
/// </summary>
internal static class PasswordCheck
{
    private static readonly Lazy<ScramCredential> Dummy = new(() => ScramCredential.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public static async ValueTask<SaslStep> VerifyAsync(ISaslCredentialStore users, string userName, string password, CancellationToken cancellationToken)
    {
        var credential = await users.FindAsync(userName, cancellationToken);
        if (credential is null)
        {
            _ = Dummy.Value.Verify(password);
            return SaslStep.Failure("no such user", userName);
        }

        return credential.Verify(password) ? SaslStep.Success(userName) : SaslStep.Failure("wrong password", userName);
    }

    /// <summary>A user name or password as a client sent it: strict UTF-8, no NUL; null otherwise.</summary>
    public static string? DecodeField(ReadOnlySpan<byte> bytes) =>
        bytes.Contains((byte)0) ? null : Scram.DecodeUtf8(bytes);
}
