using System.Security.Cryptography;
using System.Text;

namespace NetKit.Sasl;

/// <summary>
/// A password kept the way SCRAM-SHA-256 (RFC 5802, RFC 7677) needs it: a random
/// salt, an iteration count, StoredKey and ServerKey. The password itself is never
/// kept, yet this one record checks a plaintext password (AUTH PLAIN, LOGIN, USER/PASS)
/// and answers a SCRAM exchange, so every protocol shares one salted hash per user.
/// </summary>
public sealed record ScramCredential(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>RFC 7677 asks for at least 4096; Dovecot and Cyrus use the same.</summary>
    public const int DefaultIterations = 4096;

    public static ScramCredential Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        return FromSaltedPassword(salt, iterations, SaltedPassword(password, salt, iterations));
    }

    /// <summary>SaltedPassword := Hi(Normalize(password), salt, i), with Hi being PBKDF2-HMAC-SHA-256.</summary>
    public static byte[] SaltedPassword(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations, HashAlgorithmName.SHA256, 32);

    public static ScramCredential FromSaltedPassword(byte[] salt, int iterations, byte[] saltedPassword)
    {
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        return new ScramCredential(salt, iterations, SHA256.HashData(clientKey), HMACSHA256.HashData(saltedPassword, "Server Key"u8));
    }

    /// <summary>True when <paramref name="password"/> is the one this credential was made from (constant time).</summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var candidate = FromSaltedPassword(Salt, Iterations, SaltedPassword(password, Salt, Iterations));
        return CryptographicOperations.FixedTimeEquals(candidate.StoredKey, StoredKey);
    }

    /// <summary>A one-line text form for storage: "SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey" (base64), as PostgreSQL writes it.</summary>
    public string Serialize() =>
        $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(Salt)}${Convert.ToBase64String(StoredKey)}:{Convert.ToBase64String(ServerKey)}";

    public static ScramCredential Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('$');
        if (parts.Length != 3 || parts[0] != "SCRAM-SHA-256")
        {
            throw new FormatException("not a SCRAM-SHA-256 credential");
        }

        var head = parts[1].Split(':');
        var keys = parts[2].Split(':');
        if (head.Length != 2 || keys.Length != 2 || !int.TryParse(head[0], out var iterations) || iterations < 1)
        {
            throw new FormatException("not a SCRAM-SHA-256 credential");
        }

        return new ScramCredential(Convert.FromBase64String(head[1]), iterations, Convert.FromBase64String(keys[0]), Convert.FromBase64String(keys[1]));
    }
}
