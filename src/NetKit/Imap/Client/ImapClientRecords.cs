namespace NetKit.Imap.Client;

/// <summary>A mailbox as LIST shows it: attributes (\HasChildren, \Sent ...), the delimiter, the decoded name.</summary>
public sealed record ImapMailboxListing(string Name, char? Delimiter, IReadOnlyList<string> Attributes);

/// <summary>What SELECT or EXAMINE told about the mailbox.</summary>
public sealed record ImapMailboxState(string Name, bool ReadOnly, int Exists, int Recent, long UidValidity, long UidNext, IReadOnlyList<string> Flags);

/// <summary>One message's data from a FETCH: what was asked for is filled in.</summary>
public sealed record ImapFetchedMessage(
    uint SequenceNumber,
    uint? Uid,
    IReadOnlyList<string>? Flags,
    long? Size,
    DateTimeOffset? InternalDate,
    IReadOnlyDictionary<string, byte[]> Sections,
    IReadOnlyDictionary<string, ImapValue> Items)
{
    /// <summary>The ENVELOPE, when it was fetched.</summary>
    public ImapEnvelope? Envelope => Items.TryGetValue("ENVELOPE", out var value) ? ImapEnvelope.Parse(value) : null;

    /// <summary>The BODYSTRUCTURE (or BODY), when it was fetched.</summary>
    public ImapBodyStructure? BodyStructure =>
        Items.TryGetValue("BODYSTRUCTURE", out var value) || Items.TryGetValue("BODY", out value) ? ImapBodyStructure.Parse(value) : null;

    /// <summary>BODY[] (or RFC822) parsed by MimeKit, when it was fetched.</summary>
    public MimeKit.MimeMessage? Message =>
        Sections.TryGetValue("BODY[]", out var raw) || Sections.TryGetValue("RFC822", out raw) ? MimeKit.MimeMessage.Load(new MemoryStream(raw, writable: false)) : null;
}

/// <summary>Something that happened in the selected mailbox (during IDLE, or with any reply).</summary>
public sealed record ImapMailboxEvent(string Kind, uint Number, ImapResponse Response);
