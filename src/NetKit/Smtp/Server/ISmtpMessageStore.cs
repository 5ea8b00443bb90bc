namespace NetKit.Smtp.Server;

/// <summary>
/// Where an SMTP server finds its local users and puts the mail it accepts.
/// NetKit's mail store implements it; <see cref="InMemorySmtpMessageStore"/> is for tests and embedding.
/// </summary>
public interface ISmtpMessageStore
{
    /// <summary>The account (mailbox owner) of the local user <paramref name="userName"/>, or null when there is no such user.</summary>
    ValueTask<string?> FindLocalAccountAsync(string userName, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the message for each recipient's account. Completes only once the
    /// message is durably committed: the server says 250 after that and not
    /// before. Returns an identifier shown in the 250 reply, or null.
    /// </summary>
    ValueTask<string?> DeliverAsync(SmtpReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>The biggest message, in bytes, this store can commit; the server refuses to advertise more.</summary>
    long MaxMessageSize => long.MaxValue;
}

/// <summary>An accepted recipient: the envelope address as the client gave it, and the account whose mailbox gets the message.</summary>
public sealed record SmtpRecipient(string Address, string Account, SmtpDsnNotify Notify = SmtpDsnNotify.None, string? OriginalRecipient = null);

/// <summary>One message as received: the exact bytes after dot-unstuffing (no header added) and its envelope.</summary>
public sealed record SmtpReceivedMessage(
    ReadOnlyMemory<byte> Data,
    string ReversePath,
    IReadOnlyList<SmtpRecipient> Recipients,
    SmtpMailCommand Mail,
    string? HeloName,
    string? RemoteAddress,
    bool IsTls,
    string? AuthenticatedUser,
    DateTimeOffset Received);
