namespace NetKit.Sasl;

/// <summary>Where a SASL server finds a user's salted password (the mail store is one).</summary>
public interface ISaslCredentialStore
{
    /// <summary>The user's credential, or null when there is no such user.</summary>
    ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken);
}
