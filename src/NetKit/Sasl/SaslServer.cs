using System.Security.Cryptography;

namespace NetKit.Sasl;

/// <summary>Makes server mechanisms by name.</summary>
public static class SaslServer
{
    /// <summary>
    /// Keys the fake SCRAM salts of unknown users when the store has no secret of its own
    /// (<see cref="ISaslCredentialStore.ScramSecret"/>). Per process: a restart then changes an
    /// unknown user's fake salt but not a real user's, which tells an observer which names exist.
    /// </summary>
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>CRAM-MD5 is not served: it needs the password itself, and the store keeps only salted hashes.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["SCRAM-SHA-256", "PLAIN", "LOGIN"];

    /// <summary>A new exchange for <paramref name="mechanism"/> (case-insensitive); <see cref="SaslException"/> if it is unknown.</summary>
    public static SaslServerMechanism Create(string mechanism, ISaslCredentialStore users)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(users);
        return mechanism.ToUpperInvariant() switch
        {
            "SCRAM-SHA-256" => new ScramSha256Server(users, users.ScramSecret.IsEmpty ? Secret : users.ScramSecret.ToArray()),
            "PLAIN" => new PlainServer(users),
            "LOGIN" => new LoginServer(users),
            _ => throw new SaslException($"unknown SASL mechanism \"{mechanism}\" (supported: {string.Join(", ", Supported)})"),
        };
    }
}
