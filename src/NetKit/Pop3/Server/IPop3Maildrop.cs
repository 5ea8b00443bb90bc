using NetKit.Sasl;

namespace NetKit.Pop3.Server;

/// <summary>One message of an open maildrop: its size in octets as RETR sends it and its unique id (UIDL).</summary>
public sealed record Pop3MessageInfo(long Size, string UniqueId);

/// <summary>
/// Where a POP3 server finds its users and their maildrops. Passwords are checked by
/// the source (it may hold only salted hashes); SASL reads the same users through
/// <see cref="ISaslCredentialStore"/>.
/// </summary>
public interface IPop3MaildropSource : ISaslCredentialStore
{
    /// <summary>The user's canonical name when <paramref name="password"/> is theirs; null for an unknown user or a wrong password.</summary>
    ValueTask<string?> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>
    /// True when the source can give a user's plaintext shared secret, which APOP
    /// (RFC 1939 section 7) needs: the digest is MD5(timestamp + secret). A source
    /// that keeps only salted hashes (SCRAM credentials) cannot, and APOP is then
    /// neither advertised in the greeting nor accepted.
    /// </summary>
    bool SupportsApop { get; }

    /// <summary>The user's APOP secret and canonical name, or null (unknown user, or no secret kept for them).</summary>
    ValueTask<(string UserName, string Secret)?> FindApopSecretAsync(string userName, CancellationToken cancellationToken);

    /// <summary>
    /// Opens and locks the maildrop of an authenticated user (by the canonical name).
    /// Null when another session holds it: the server answers -ERR [IN-USE].
    /// The lock is released when the maildrop is disposed.
    /// </summary>
    ValueTask<IPop3Maildrop?> TryOpenAsync(string userName, CancellationToken cancellationToken);
}

/// <summary>
/// A locked maildrop, as it was when it was opened (RFC 1939: messages that arrive
/// during the session are seen by the next one). Messages are numbered 0.. here;
/// the session speaks 1.. on the wire.
/// </summary>
public interface IPop3Maildrop : IAsyncDisposable
{
    IReadOnlyList<Pop3MessageInfo> Messages { get; }

    /// <summary>The message's stored bytes (the session puts them into wire form).</summary>
    ValueTask<ReadOnlyMemory<byte>> ReadAsync(int index, CancellationToken cancellationToken);

    /// <summary>Removes the messages, all or none (the UPDATE state of RFC 1939 section 6). Throws when it could not.</summary>
    Task DeleteAsync(IReadOnlyCollection<int> indexes, CancellationToken cancellationToken);
}
