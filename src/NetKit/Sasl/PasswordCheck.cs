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

    private static long dummyChecks;

    /// <summary>Test hook: how many checks ran against the dummy credential (unknown users).</summary>
    internal static long DummyChecks => Interlocked.Read(ref dummyChecks);

    public static async ValueTask<SaslStep> VerifyAsync(ISaslCredentialStore users, string userName, string password, CancellationToken cancellationToken)
    {
        var credential = await users.FindAsync(userName, cancellationToken);
        if (!Verify(credential, password))
        {
            return SaslStep.Failure(credential is null ? "no such user" : "wrong password", userName);
        }

        return SaslStep.Success(users.CanonicalName(userName));
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="credential"/>. With no credential
    /// (an unknown user) it runs the same PBKDF2 against a dummy and returns false.
    /// </summary>
    public static bool Verify(ScramCredential? credential, string password)
    {
        if (credential is null)
        {
            Interlocked.Increment(ref dummyChecks);
            _ = Dummy.Value.Verify(password);
            return false;
        }

        return credential.Verify(password);
    }

    /// <summary>A user name or password as a client sent it: strict UTF-8, no NUL; null otherwise.</summary>
    public static string? DecodeField(ReadOnlySpan<byte> bytes) =>
        bytes.Contains((byte)0) ? null : Scram.DecodeUtf8(bytes);
}
