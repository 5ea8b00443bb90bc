namespace NetKit.Sasl;

/// <summary>Where a SASL server finds a user's salted password (the mail store is one).</summary>
public interface ISaslCredentialStore
{
    /// <summary>The user's credential, or null when there is no such user.</summary>
    ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken);

    /// <summary>
    /// A secret (32 bytes or more) that keys the fake SCRAM salts of unknown users. A store that
    /// persists one keeps an unknown name's salt the same across restarts, so a restart does not
    /// tell which names are real. Empty (the default): the server uses a per-process secret.
    /// </summary>
    ReadOnlyMemory<byte> ScramSecret => default;

    /// <summary>
    /// The name a successful login reports, as the store spells it (e.g. "alice" for "ALICE" when
    /// names are case-insensitive). The default reports the name as the client sent it.
    /// </summary>
    string CanonicalName(string userName) => userName;
}
