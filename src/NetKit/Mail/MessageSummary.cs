namespace NetKit.Mail;

/// <summary>
/// One message in one mailbox, as lists show it: where it is (id, account, mailbox, UID, flags),
/// its envelope, and a summary of its headers decoded to Unicode by MimeKit when it was stored.
/// </summary>
public sealed record MessageSummary(
    long Id,
    string Account,
    string Mailbox,
    long Uid,
    string Flags,
    DateTimeOffset InternalDate,
    long ContentId,
    long Size,
    string ReversePath,
    IReadOnlyList<string> Recipients,
    string? RemoteAddress,
    string? HeloName,
    string From,
    string To,
    string Subject,
    DateTimeOffset? Date,
    IReadOnlyList<string> AttachmentNames)
{
    public int AttachmentCount => AttachmentNames.Count;
}
