using System.Security.Cryptography;
using System.Text;

namespace NetKit.Sasl;

/// <summary>
/// What the SCRAM-SHA-256 client and server share (RFC 5802, RFC 7677): the message
/// syntax (comma-separated "a=value" attributes), user-name escaping, nonces, and the
/// proof and signature arithmetic. The key derivation itself is <see cref="ScramCredential"/>'s.
/// </summary>
internal static class Scram
{
    public const string MechanismName = "SCRAM-SHA-256";

    /// <summary>RFC 5802 asks for a nonce that is unique per exchange; 24 random bytes is 192 bits.</summary>
    public const int NonceBytes = 24;

    /// <summary>RFC 7677's floor is 4096 but older servers use less; above this a server is wasting our CPU on purpose.</summary>
    public const int MaxIterations = 10_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(NonceBytes));

    /// <summary>printable = %x21-2B / %x2D-7E: visible ASCII without the comma.</summary>
    public static bool IsValidNonce(string nonce) =>
        nonce.Length > 0 && nonce.All(c => c is >= '!' and <= '~' and not ',');

    /// <summary>SASLprep as ScramCredential does it (NFKC), then "=" and "," escaped as "=3D" and "=2C".</summary>
    public static string EscapeUserName(string userName) =>
        userName.Normalize(NormalizationForm.FormKC).Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    /// <summary>The saslname back to a user name; null when an "=" is not one of the two escapes or the name is empty.</summary>
    public static string? UnescapeUserName(string saslName)
    {
        var name = new StringBuilder(saslName.Length);
        for (var i = 0; i < saslName.Length; i++)
        {
            if (saslName[i] != '=')
            {
                name.Append(saslName[i]);
            }
            else if (string.CompareOrdinal(saslName, i, "=2C", 0, 3) == 0)
            {
                name.Append(',');
                i += 2;
            }
            else if (string.CompareOrdinal(saslName, i, "=3D", 0, 3) == 0)
            {
                name.Append('=');
                i += 2;
            }
            else
            {
                return null;
            }
        }

        return name.Length == 0 || name.ToString().Contains('\0', StringComparison.Ordinal) ? null : name.ToString();
    }

    /// <summary>Strict UTF-8 (invalid bytes are an error, not U+FFFD); null when the bytes are not UTF-8.</summary>
    public static string? DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// "a=x,b=y" into its attributes, in order; null when a part is not a letter, "=" and a value.
    /// Values may contain "=" (base64 padding) but never ",".
    /// </summary>
    public static List<(char Name, string Value)>? ParseAttributes(string message)
    {
        var attributes = new List<(char, string)>();
        foreach (var part in message.Split(','))
        {
            if (part.Length < 2 || part[1] != '=' || !char.IsAsciiLetter(part[0]))
            {
                return null;
            }

            attributes.Add((part[0], part[2..]));
        }

        return attributes;
    }

    /// <summary>Standard base64 of at least one byte, without the whitespace .NET would skip; null otherwise.</summary>
    public static byte[]? DecodeBase64(string text)
    {
        if (text.Length == 0 || text.AsSpan().ContainsAny(" \t\r\n"))
        {
            return null;
        }

        var buffer = new byte[text.Length * 3 / 4];
        return Convert.TryFromBase64String(text, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }

    /// <summary>ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage).</summary>
    public static byte[] ClientProof(byte[] saltedPassword, string authMessage)
    {
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), Encoding.UTF8.GetBytes(authMessage));
        return Xor(clientKey, signature);
    }

    /// <summary>ServerSignature := HMAC(ServerKey, AuthMessage).</summary>
    public static byte[] ServerSignature(byte[] serverKey, string authMessage) =>
        HMACSHA256.HashData(serverKey, Encoding.UTF8.GetBytes(authMessage));

    /// <summary>True when <paramref name="proof"/> proves knowledge of the key whose hash is <paramref name="storedKey"/> (constant time).</summary>
    public static bool VerifyClientProof(byte[] storedKey, string authMessage, byte[] proof)
    {
        var signature = HMACSHA256.HashData(storedKey, Encoding.UTF8.GetBytes(authMessage));
        if (proof.Length != signature.Length)
        {
            return false;
        }

        var clientKey = Xor(proof, signature);
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), storedKey);
    }

    private static byte[] Xor(byte[] a, byte[] b)
    {
        var result = new byte[a.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (byte)(a[i] ^ b[i]);
        }

        return result;
    }
}
