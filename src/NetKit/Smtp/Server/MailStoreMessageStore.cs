using System.Globalization;
using NetKit.Mail;

namespace NetKit.Smtp.Server;

/// <summary>
/// NetKit's mail store (SQLite) as an SMTP server's store: its users are the
/// local users, and a delivery returns once the store's group commit is durable.
/// </summary>
public sealed class MailStoreMessageStore(MailStore store) : ISmtpMessageStore
{
    /// <summary>
    /// SQLite's largest blob is 1,000,000,000 bytes (SQLITE_MAX_LENGTH, which bounds a
    /// whole row); a margin leaves room for the row's other columns.
    /// </summary>
    public const long MaxStorableMessageSize = 999_000_000;

    public MailStore Store { get; } = store ?? throw new ArgumentNullException(nameof(store));

    public long MaxMessageSize => MaxStorableMessageSize;

    public async ValueTask<string?> FindLocalAccountAsync(string userName, CancellationToken cancellationToken) =>
        (await Store.FindUserAsync(userName, cancellationToken).ConfigureAwait(false))?.Name;

    /// <summary>
    /// Stores the message and returns once it is durable. On success the caller resumes on the
    /// store's reply thread after the commit (an SMTP session sends its 250 from there, without a
    /// thread-pool hand-off per message): what follows this call must be short and must not block.
    /// </summary>
    public async ValueTask<string?> DeliverAsync(SmtpReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var delivery = new MailDelivery(
            message.Data,
            message.ReversePath,
            [.. message.Recipients.Select(r => new MailRecipient(r.Address, r.Account))],
            message.RemoteAddress,
            message.HeloName);
        var stored = await Store.DeliverAsync(delivery, shortContinuation: true, cancellationToken).ConfigureAwait(false);
        return stored.Count == 0 ? null : stored[0].Id.ToString(CultureInfo.InvariantCulture);
    }
}
