using NetKit.Sasl;

namespace NetKit.Mail;

/// <summary>A local user: the name (lower case) and the salted SCRAM credential every protocol's login checks.</summary>
public sealed record MailUser(string Name, ScramCredential Credential, DateTimeOffset Created);

/// <summary>One envelope recipient, and the account whose INBOX gets the message.</summary>
public sealed record MailRecipient(string Address, string Account);

/// <summary>A message to store exactly as received, with its SMTP envelope.</summary>
public sealed record MailDelivery(
    ReadOnlyMemory<byte> Message,
    string ReversePath,
    IReadOnlyList<MailRecipient> Recipients,
    string? RemoteAddress,
    string? HeloName);

/// <summary>Where one delivery landed: the message id shown to users, and its IMAP UID in that mailbox.</summary>
public sealed record StoredMessage(long Id, string Account, string Mailbox, long Uid);

/// <summary>A mailbox's IMAP identity: UIDVALIDITY and the UID the next message will get.</summary>
public sealed record MailboxInfo(long Id, string Account, string Name, long UidValidity, long UidNext, int MessageCount);
