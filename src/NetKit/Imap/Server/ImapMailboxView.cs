using System.Globalization;
using NetKit.Mail;

namespace NetKit.Imap.Server;

/// <summary>One message as a session shows it: its place is its index in the view plus one.</summary>
internal sealed class ImapViewMessage(MailEntry entry, bool recent)
{
    public long Id { get; } = entry.Id;

    public uint Uid { get; } = (uint)entry.Uid;

    public List<string> Flags { get; set; } = ImapFlags.Parse(entry.Flags);

    public DateTimeOffset InternalDate { get; } = entry.InternalDate;

    public long Size { get; } = entry.Size;

    /// <summary>The stored content (shared by copies): what a cached structure belongs to.</summary>
    public long ContentId { get; } = entry.ContentId;

    public bool Recent { get; } = recent;

    /// <summary>Gone from the store, not yet announced (EXPUNGE may not be sent during FETCH, STORE or SEARCH).</summary>
    public bool Expunged { get; set; }
}

/// <summary>
/// The selected mailbox as one session sees it: the messages in sequence-number order. It changes
/// only when the session announces the change (EXISTS, EXPUNGE, FETCH FLAGS), which keeps sequence
/// numbers in step between server and client while other sessions and deliveries change the store.
/// </summary>
internal sealed class ImapMailboxView(string account, MailboxInfo info, bool readOnly)
{
    public string Account { get; } = account;

    public string Name { get; } = info.Name;

    public long UidValidity { get; } = info.UidValidity;

    public long UidNext { get; set; } = info.UidNext;

    public bool ReadOnly { get; } = readOnly;

    public List<ImapViewMessage> Messages { get; } = [];

    public int RecentCount => Messages.Count(m => m.Recent);

    public uint LargestUid => Messages.Count == 0 ? 0 : Messages[^1].Uid;

    /// <summary>
    /// Brings the view up to the store's <paramref name="entries"/> and writes what changed:
    /// EXPUNGE (only when <paramref name="allowExpunge"/>; otherwise the messages stay, marked),
    /// FETCH FLAGS for flags changed elsewhere, EXISTS and RECENT for new messages.
    /// <paramref name="claimRecent"/> claims new UIDs and returns the highest claimed before.
    /// </summary>
    public void Update(IReadOnlyList<MailEntry> entries, bool allowExpunge, Func<long, long> claimRecent, ImapResponseWriter output)
    {
        var byUid = new Dictionary<long, MailEntry>(entries.Count);
        foreach (var entry in entries)
        {
            byUid[entry.Uid] = entry;
        }

        for (var i = Messages.Count - 1; i >= 0; i--)
        {
            var message = Messages[i];
            if (byUid.ContainsKey(message.Uid))
            {
                continue;
            }

            message.Expunged = true;
            if (allowExpunge)
            {
                Messages.RemoveAt(i);
                output.Untagged(string.Create(CultureInfo.InvariantCulture, $"{i + 1} EXPUNGE"));
            }
        }

        for (var i = 0; i < Messages.Count; i++)
        {
            var message = Messages[i];
            if (byUid.TryGetValue(message.Uid, out var entry) && ImapFlags.Store(message.Flags) != entry.Flags)
            {
                message.Flags = ImapFlags.Parse(entry.Flags);
                output.Untagged(string.Create(CultureInfo.InvariantCulture, $"{i + 1} FETCH (UID {message.Uid} FLAGS {ImapFlags.Format(message.Flags, message.Recent)})"));
            }
        }

        var largest = LargestUidIncludingExpunged();
        var added = entries.Where(e => e.Uid > largest).ToList();
        if (added.Count > 0)
        {
            var recentAbove = ReadOnly ? long.MaxValue : claimRecent(added[^1].Uid);
            foreach (var entry in added)
            {
                Messages.Add(new ImapViewMessage(entry, entry.Uid > recentAbove));
            }

            UidNext = Math.Max(UidNext, added[^1].Uid + 1);
            output.Untagged(string.Create(CultureInfo.InvariantCulture, $"{Messages.Count} EXISTS"));
            output.Untagged(string.Create(CultureInfo.InvariantCulture, $"{RecentCount} RECENT"));
        }
    }

    private uint LargestUidIncludingExpunged() => Messages.Count == 0 ? (uint)Math.Max(0, UidNext - 1) : Math.Max(Messages[^1].Uid, (uint)Math.Max(0, UidNext - 1));

    /// <summary>
    /// The messages a set names, with their sequence numbers, in order. Message numbers beyond the
    /// mailbox are a BAD (RFC 3501 section 9); UIDs that do not exist are simply not there.
    /// </summary>
    public List<(int Sequence, ImapViewMessage Message)> Resolve(ImapSequenceSet set, bool uid)
    {
        var result = new List<(int, ImapViewMessage)>();
        if (uid)
        {
            var largest = LargestUid;
            for (var i = 0; i < Messages.Count; i++)
            {
                if (set.Contains(Messages[i].Uid, largest))
                {
                    result.Add((i + 1, Messages[i]));
                }
            }

            return result;
        }

        var count = (uint)Messages.Count;
        foreach (var (first, last) in set.Ranges)
        {
            if (first > count || last > count || (count == 0 && (first == ImapSequenceSet.Star || last == ImapSequenceSet.Star)))
            {
                throw new ImapParseException("invalid message sequence number (there are " + count.ToString(CultureInfo.InvariantCulture) + " messages)");
            }
        }

        for (var i = 0; i < Messages.Count; i++)
        {
            if (set.Contains((uint)(i + 1), count))
            {
                result.Add((i + 1, Messages[i]));
            }
        }

        return result;
    }
}
