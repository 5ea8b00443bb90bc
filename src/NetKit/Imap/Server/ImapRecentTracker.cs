using System.Collections.Concurrent;

namespace NetKit.Imap.Server;

/// <summary>
/// \Recent (RFC 3501 section 2.3.2): a message is recent in exactly one session, the first to see
/// it with the mailbox selected read-write. The server remembers, per mailbox, the highest UID any
/// session has claimed; it lives as long as the process (a restart makes nothing recent).
/// </summary>
internal sealed class ImapRecentTracker
{
    private readonly ConcurrentDictionary<(string Account, string Mailbox, long UidValidity), long> claimed = new();

    /// <summary>Claims every UID up to <paramref name="highestUid"/>; returns the highest claimed before (UIDs above it are recent for the caller).</summary>
    public long Claim(string account, string mailbox, long uidValidity, long highestUid)
    {
        var key = (account, mailbox, uidValidity);
        while (true)
        {
            var previous = claimed.GetOrAdd(key, 0);
            if (previous >= highestUid || claimed.TryUpdate(key, highestUid, previous))
            {
                return previous;
            }
        }
    }

    /// <summary>The highest UID claimed so far, without claiming (EXAMINE, STATUS).</summary>
    public long Peek(string account, string mailbox, long uidValidity) =>
        claimed.TryGetValue((account, mailbox, uidValidity), out var value) ? value : 0;
}
