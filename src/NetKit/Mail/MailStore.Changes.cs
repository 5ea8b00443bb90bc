namespace NetKit.Mail;

/// <summary>Something changed in one mailbox: messages came, went, moved or had their flags set.</summary>
public sealed class MailboxChangedEventArgs(string account, string mailbox, IReadOnlyList<long>? added = null, IReadOnlyList<long>? removed = null) : EventArgs
{
    public string Account { get; } = account;

    public string Mailbox { get; } = mailbox;

    /// <summary>The message ids a delivery, an append, a copy or a move put in the mailbox (empty for other changes), for live views.</summary>
    public IReadOnlyList<long> Added { get; } = added ?? [];

    /// <summary>The message ids an expunge or a move took out of the mailbox (empty for other changes).</summary>
    public IReadOnlyList<long> Removed { get; } = removed ?? [];
}

// Change notification: an IMAP session in IDLE hears of a delivery as soon as it is committed.
public sealed partial class MailStore
{
    /// <summary>
    /// Raised after a change to a mailbox has committed (a delivery, an append, a copy or move,
    /// an expunge, a flag change made through the mailbox-aware methods, a rename or delete).
    /// Handlers run on the caller's thread and must be quick (set a flag, wake a waiter).
    /// </summary>
    public event EventHandler<MailboxChangedEventArgs>? MailboxChanged;

    private void OnMailboxChanged(string account, string mailbox, IReadOnlyList<long>? added = null, IReadOnlyList<long>? removed = null) =>
        MailboxChanged?.Invoke(this, new MailboxChangedEventArgs(account, mailbox, added, removed));
}
