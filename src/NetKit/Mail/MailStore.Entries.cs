namespace NetKit.Mail;

/// <summary>One message in one mailbox, lean: what an IMAP session keeps for each message it shows.</summary>
public sealed record MailEntry(long Id, long Uid, string Flags, DateTimeOffset InternalDate, long Size, long ContentId);

/// <summary>Where a COPY or MOVE put messages: the target's UIDVALIDITY and, in order, each source UID with its new UID.</summary>
public sealed record MailCopyResult(long UidValidity, IReadOnlyList<(long SourceUid, long TargetUid)> Uids);

// Messages as IMAP handles them: listed by UID, appended, copied, moved, flagged and expunged per mailbox.
public sealed partial class MailStore
{
    /// <summary>The messages of a mailbox by UID (empty when it does not exist).</summary>
    public async Task<IReadOnlyList<MailEntry>> ListEntriesAsync(string account, string mailbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var normalized = MailUserNames.NormalizeAccount(account);
        return await QueryAsync(
            """
            SELECT e.id, e.uid, e.flags, e.internal_date, m.size, m.id
            FROM entries e JOIN mailboxes b ON b.id = e.mailbox_id JOIN messages m ON m.id = e.message_id
            WHERE b.account = $account AND b.name = $name ORDER BY e.uid;
            """,
            p =>
            {
                p.AddWithValue("$account", normalized);
                p.AddWithValue("$name", mailbox);
            },
            row => new MailEntry(row.GetInt64(0), row.GetInt64(1), row.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(3)), row.GetInt64(4), row.GetInt64(5)),
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores a message in an existing mailbox (IMAP APPEND) with its flags and internal date.
    /// Null when the mailbox does not exist (IMAP says NO [TRYCREATE]).
    /// </summary>
    public async Task<StoredMessage?> AppendAsync(string account, string mailbox, ReadOnlyMemory<byte> message, string flags, DateTimeOffset internalDate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(flags);
        var normalized = MailUserNames.NormalizeAccount(account);
        var raw = ExactArray(message);
        var headers = MessageHeaders.Parse(raw);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stored = await Writer.EnqueueAsync(context =>
        {
            if (FindMailboxId(context, normalized, mailbox) is null)
            {
                return null;
            }

            var contentId = InsertContent(context, raw, headers, "", null, null, now);
            var (mailboxId, uid) = NextUid(context, normalized, mailbox);
            var id = InsertEntry(context, mailboxId, uid, flags, internalDate.ToUnixTimeMilliseconds(), contentId, "[]");
            return new StoredMessage(id, normalized, mailbox, uid);
        }, raw.LongLength, ct).ConfigureAwait(false);
        if (stored is not null)
        {
            OnMailboxChanged(normalized, mailbox, [stored.Id]);
        }

        return stored;
    }

    /// <summary>
    /// Copies (or moves) entries of one account into another of its mailboxes, keeping flags and
    /// internal dates and sharing the stored content; new UIDs in the target in the order given.
    /// All or nothing. Null when the target does not exist.
    /// </summary>
    public async Task<MailCopyResult?> CopyEntriesAsync(string account, string source, IReadOnlyList<long> entryIds, string target, bool move, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var normalized = MailUserNames.NormalizeAccount(account);
        var ids = entryIds.ToArray();
        var added = new List<long>(ids.Length); // For the change notification: which entries came and went.
        var removed = new List<long>(move ? ids.Length : 0);
        var result = await Writer.EnqueueAsync(context =>
        {
            added.Clear();
            removed.Clear();
            if (FindMailboxId(context, normalized, target) is null)
            {
                return null;
            }

            var uids = new List<(long, long)>(ids.Length);
            foreach (var id in ids)
            {
                var read = context.Command("SELECT uid, flags, internal_date, message_id, recipients FROM entries WHERE id = $id;");
                read.Parameters.AddWithValue("$id", id);
                long sourceUid, date, contentId;
                string flags, recipients;
                using (var row = read.ExecuteReader())
                {
                    if (!row.Read())
                    {
                        continue; // expunged meanwhile: nothing to copy
                    }

                    (sourceUid, flags, date, contentId, recipients) = (row.GetInt64(0), row.GetString(1), row.GetInt64(2), row.GetInt64(3), row.GetString(4));
                }

                var (mailboxId, uid) = NextUid(context, normalized, target);
                added.Add(InsertEntry(context, mailboxId, uid, flags, date, contentId, recipients));
                if (move)
                {
                    var remove = context.Command("DELETE FROM entries WHERE id = $id;");
                    remove.Parameters.AddWithValue("$id", id);
                    remove.ExecuteNonQuery();
                    removed.Add(id);
                }

                uids.Add((sourceUid, uid));
            }

            var validity = context.Command("SELECT uidvalidity FROM mailboxes WHERE account = $account AND name = $name;");
            validity.Parameters.AddWithValue("$account", normalized);
            validity.Parameters.AddWithValue("$name", target);
            return new MailCopyResult((long)validity.ExecuteScalar()!, uids);
        }, 0, ct).ConfigureAwait(false);
        if (result is not null)
        {
            OnMailboxChanged(normalized, target, added);
            if (move)
            {
                OnMailboxChanged(normalized, source, removed: removed);
            }
        }

        return result;
    }

    /// <summary>Sets the flags of many entries of one mailbox in one transaction (IMAP STORE), then tells the mailbox's watchers.</summary>
    public async Task SetFlagsAsync(string account, string mailbox, IReadOnlyList<(long Id, string Flags)> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var normalized = MailUserNames.NormalizeAccount(account);
        if (changes.Count == 0)
        {
            return;
        }

        var list = changes.ToArray();
        await Writer.EnqueueAsync(context =>
        {
            foreach (var (id, flags) in list)
            {
                var command = context.Command("UPDATE entries SET flags = $flags WHERE id = $id;");
                command.Parameters.AddWithValue("$flags", flags);
                command.Parameters.AddWithValue("$id", id);
                command.ExecuteNonQuery();
            }

            return true;
        }, 0, ct).ConfigureAwait(false);
        OnMailboxChanged(normalized, mailbox);
    }

    /// <summary>Removes entries of one mailbox for good (IMAP EXPUNGE), then tells the mailbox's watchers.</summary>
    public async Task<int> ExpungeAsync(string account, string mailbox, IEnumerable<long> entryIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var normalized = MailUserNames.NormalizeAccount(account);
        var ids = entryIds.ToArray();
        var deleted = await DeleteMessagesAsync(ids, ct).ConfigureAwait(false);
        if (deleted > 0)
        {
            OnMailboxChanged(normalized, mailbox, removed: ids);
        }

        return deleted;
    }

}
