using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

// Messages: delivery (group-committed), listing, reading and deletion.
public sealed partial class MailStore
{
    /// <summary>The mailbox every delivery goes to.</summary>
    public const string Inbox = "INBOX";

    private const string SummaryColumns = """
        SELECT e.id, b.account, b.name, e.uid, e.flags, e.internal_date, m.id, m.size, m.reverse_path, e.recipients,
               m.remote_address, m.helo, m.from_text, m.to_text, m.subject, m.date, m.attachment_names
        FROM entries e JOIN mailboxes b ON b.id = e.mailbox_id JOIN messages m ON m.id = e.message_id
        """;

    /// <summary>
    /// Stores the message once and puts it in the INBOX of each recipient's account (account and
    /// INBOX created on first use). Completes only once the message is durably committed.
    /// </summary>
    public Task<IReadOnlyList<StoredMessage>> DeliverAsync(MailDelivery delivery, CancellationToken ct = default) =>
        DeliverAsync(delivery, shortContinuation: false, ct);

    /// <summary>
    /// <see cref="DeliverAsync(MailDelivery, CancellationToken)"/>; with <paramref name="shortContinuation"/>
    /// the caller's continuation runs on the writer's reply thread after the commit (no thread-pool
    /// hand-off per message), so it must be short and never block: the SMTP server's 250.
    /// </summary>
    internal async Task<IReadOnlyList<StoredMessage>> DeliverAsync(MailDelivery delivery, bool shortContinuation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(delivery.ReversePath);
        ArgumentNullException.ThrowIfNull(delivery.Recipients);
        if (delivery.Recipients.Count == 0)
        {
            throw new MailStoreException("a delivery needs at least one recipient");
        }

        // Everything but the writing happens here, on the caller's thread: the writer only writes.
        // Each account's entry keeps only the envelope addresses that reached it (Bcc stays private).
        var accounts = delivery.Recipients
            .GroupBy(r => MailUserNames.NormalizeAccount(r.Account), r => r.Address, StringComparer.Ordinal)
            .Select(g => (Account: g.Key, Recipients: JsonSerializer.Serialize(g.Distinct(StringComparer.Ordinal).ToArray())))
            .ToList();
        var raw = ExactArray(delivery.Message);
        var headers = MessageHeaders.Parse(raw);
        var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var delivered = await Writer.EnqueueAsync<IReadOnlyList<StoredMessage>>(context =>
        {
            var contentId = InsertContent(context, raw, headers, delivery.ReversePath, delivery.RemoteAddress, delivery.HeloName, received);
            var stored = new List<StoredMessage>(accounts.Count);
            foreach (var (account, recipients) in accounts)
            {
                var (mailboxId, uid) = NextUid(context, account, Inbox);
                stored.Add(new StoredMessage(InsertEntry(context, mailboxId, uid, "", received, contentId, recipients), account, Inbox, uid));
            }

            return stored;
        }, raw.LongLength, ct, shortContinuation).ConfigureAwait(false);
        foreach (var message in delivered)
        {
            OnMailboxChanged(message.Account, message.Mailbox, [message.Id]);
        }

        return delivered;
    }

    /// <summary>Stores a message's bytes and summary once (mailbox entries point at it); returns its id.</summary>
    private static long InsertContent(MailWriteContext context, byte[] raw, MessageHeaders headers, string reversePath, string? remoteAddress, string? heloName, long received)
    {
        var insert = context.Statement("""
            INSERT INTO messages (size, reverse_path, remote_address, helo, received,
                                  from_text, to_text, subject, date, attachment_count, attachment_names)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);
            """);
        insert.Bind(1, raw.LongLength);
        insert.Bind(2, reversePath);
        insert.Bind(3, remoteAddress);
        insert.Bind(4, heloName);
        insert.Bind(5, received);
        insert.Bind(6, headers.From);
        insert.Bind(7, headers.To);
        insert.Bind(8, headers.Subject);
        insert.Bind(9, headers.Date?.ToString("o", CultureInfo.InvariantCulture));
        insert.Bind(10, headers.AttachmentNames.Count);
        insert.Bind(11, headers.AttachmentNamesJson);
        insert.Run(0);
        var contentId = insert.LastInsertId;

        var body = context.Statement("INSERT INTO message_bodies (message_id, raw) VALUES (?1, ?2);");
        body.Bind(1, contentId);
        body.Bind(2, raw);
        body.Run(0);
        return contentId;
    }

    /// <summary>Puts a stored content in a mailbox under <paramref name="uid"/>; returns the entry's id.</summary>
    private static long InsertEntry(MailWriteContext context, long mailboxId, long uid, string flags, long internalDate, long contentId, string recipients)
    {
        var entry = context.Statement("""
            INSERT INTO entries (mailbox_id, uid, flags, internal_date, message_id, recipients)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6);
            """);
        entry.Bind(1, mailboxId);
        entry.Bind(2, uid);
        entry.Bind(3, flags);
        entry.Bind(4, internalDate);
        entry.Bind(5, contentId);
        entry.Bind(6, recipients);
        entry.Run(0);
        return entry.LastInsertId;
    }

    /// <summary>Takes the mailbox's next UID (creating the mailbox on first use): UIDs only ever go up.</summary>
    private static (long MailboxId, long Uid) NextUid(MailWriteContext context, string account, string mailbox)
    {
        var take = context.Statement("UPDATE mailboxes SET uidnext = uidnext + 1 WHERE account = ?1 AND name = ?2 RETURNING id, uidnext - 1;");
        take.Bind(1, account);
        take.Bind(2, mailbox);
        return take.Run(2) ?? (InsertMailbox(context, account, mailbox, uidNext: 2), 1);
    }

    /// <summary>
    /// A new mailbox's UIDVALIDITY (RFC 3501: a non-zero 32-bit number). Normally the time, and
    /// always above any other mailbox's, so a mailbox deleted and made again within one second
    /// still looks new to an IMAP client. Should that pass 2^32-1 (very many mailboxes), it wraps
    /// to the lowest value no mailbox of the account uses: IMAP only needs a mailbox's value to
    /// change when its UIDs start again.
    /// </summary>
    private static long NewUidValidity(MailWriteContext context, string account)
    {
        const long Max = uint.MaxValue;
        var next = context.Command("SELECT max($now, coalesce((SELECT max(uidvalidity) FROM mailboxes), 0) + 1);");
        next.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var candidate = (long)next.ExecuteScalar()!;
        if (candidate <= Max)
        {
            return candidate;
        }

        var free = context.Command("""
            SELECT min(v + 1) FROM (SELECT 0 AS v UNION ALL SELECT uidvalidity FROM mailboxes WHERE account = $account)
            WHERE v + 1 <= $max AND v + 1 NOT IN (SELECT uidvalidity FROM mailboxes WHERE account = $account);
            """);
        free.Parameters.AddWithValue("$account", account);
        free.Parameters.AddWithValue("$max", Max);
        return free.ExecuteScalar() as long? ?? throw new MailStoreException($"account \"{account}\" has no UIDVALIDITY left");
    }

    /// <summary>Every message in the store, or in one account, by account and UID.</summary>
    public async Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(string? account = null, CancellationToken ct = default)
    {
        if (account is null)
        {
            return await QueryAsync(SummaryColumns + " ORDER BY b.account, b.name, e.uid;", _ => { }, ReadSummary, ct).ConfigureAwait(false);
        }

        var normalized = MailUserNames.NormalizeAccount(account);
        return await QueryAsync(
            SummaryColumns + " WHERE b.account = $account ORDER BY b.name, e.uid;",
            p => p.AddWithValue("$account", normalized),
            ReadSummary,
            ct).ConfigureAwait(false);
    }

    /// <summary>The messages of one mailbox of an account, by UID (what IMAP SELECT and POP3 show).</summary>
    public async Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(string account, string mailbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var normalized = MailUserNames.NormalizeAccount(account);
        return await QueryAsync(
            SummaryColumns + " WHERE b.account = $account AND b.name = $name ORDER BY e.uid;",
            p =>
            {
                p.AddWithValue("$account", normalized);
                p.AddWithValue("$name", mailbox);
            },
            ReadSummary,
            ct).ConfigureAwait(false);
    }

    public async Task<MessageSummary?> FindMessageAsync(long id, CancellationToken ct = default)
    {
        var found = await QueryAsync(SummaryColumns + " WHERE e.id = $id;", p => p.AddWithValue("$id", id), ReadSummary, ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The exact bytes delivered, or null when there is no message <paramref name="id"/>.</summary>
    public async Task<byte[]?> ReadMessageAsync(long id, CancellationToken ct = default)
    {
        var found = await QueryAsync(
            "SELECT body.raw FROM entries e JOIN message_bodies body ON body.message_id = e.message_id WHERE e.id = $id;",
            p => p.AddWithValue("$id", id),
            row => (byte[])row.GetValue(0),
            ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>A mailbox's UIDVALIDITY, UIDNEXT and message count, or null when it does not exist yet.</summary>
    public async Task<MailboxInfo?> GetMailboxAsync(string account, string mailbox = Inbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var found = await QueryMailboxesAsync(account, " AND b.name = $name", p => p.AddWithValue("$name", mailbox), ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The mailboxes of an account, by name (none until its first message).</summary>
    public async Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(string account, CancellationToken ct = default) =>
        await QueryMailboxesAsync(account, " ORDER BY b.name", _ => { }, ct).ConfigureAwait(false);

    /// <summary>Every mailbox of every account, by account and name (the web console's overview).</summary>
    public async Task<IReadOnlyList<MailboxInfo>> ListAllMailboxesAsync(CancellationToken ct = default) =>
        await QueryAsync(
            """
            SELECT b.id, b.account, b.name, b.uidvalidity, b.uidnext, (SELECT count(*) FROM entries e WHERE e.mailbox_id = b.id)
            FROM mailboxes b ORDER BY b.account, b.name;
            """,
            _ => { },
            ReadMailbox,
            ct).ConfigureAwait(false);

    private Task<List<MailboxInfo>> QueryMailboxesAsync(string account, string rest, Action<SqliteParameterCollection> bind, CancellationToken ct)
    {
        var normalized = MailUserNames.NormalizeAccount(account);
        return QueryAsync(
            """
            SELECT b.id, b.account, b.name, b.uidvalidity, b.uidnext, (SELECT count(*) FROM entries e WHERE e.mailbox_id = b.id)
            FROM mailboxes b WHERE b.account = $account
            """ + rest + ";",
            p =>
            {
                p.AddWithValue("$account", normalized);
                bind(p);
            },
            ReadMailbox,
            ct);
    }

    private static MailboxInfo ReadMailbox(SqliteDataReader row) =>
        new(row.GetInt64(0), row.GetString(1), row.GetString(2), row.GetInt64(3), row.GetInt64(4), row.GetInt32(5));

    /// <summary>
    /// Replaces a message's flags (IMAP STORE; space-separated, e.g. "\Seen \Flagged").
    /// False when there is no message <paramref name="id"/>.
    /// </summary>
    public Task<bool> SetFlagsAsync(long id, string flags, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return Writer.EnqueueAsync(context =>
        {
            var command = context.Command("UPDATE entries SET flags = $flags WHERE id = $id;");
            command.Parameters.AddWithValue("$flags", flags);
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() == 1;
        }, 0, ct);
    }

    /// <summary>
    /// Removes messages from their mailboxes (IMAP EXPUNGE, POP3 DELE at QUIT), all or none, in one
    /// transaction; a stored content goes when no mailbox holds it any more. Their UIDs are never
    /// given again. Returns how many of <paramref name="ids"/> existed.
    /// </summary>
    public Task<int> DeleteMessagesAsync(IEnumerable<long> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct().ToArray();
        return Writer.EnqueueAsync(context =>
        {
            var deleted = 0;
            foreach (var id in distinct)
            {
                var remove = context.Command("DELETE FROM entries WHERE id = $id RETURNING message_id;");
                remove.Parameters.AddWithValue("$id", id);
                if (remove.ExecuteScalar() is not long contentId)
                {
                    continue;
                }

                deleted++;
                DeleteIfOrphan(context, contentId);
            }

            return deleted;
        }, 0, ct);
    }

    /// <summary>Removes every mailbox and message of an account (a removed user's mail).</summary>
    private static void DeleteAccountMail(MailWriteContext context, string account)
    {
        var remove = context.Command("""
            DELETE FROM entries WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account = $account) RETURNING message_id;
            """);
        remove.Parameters.AddWithValue("$account", account);
        var contents = new List<long>();
        using (var row = remove.ExecuteReader())
        {
            while (row.Read())
            {
                contents.Add(row.GetInt64(0));
            }
        }

        foreach (var contentId in contents.Distinct())
        {
            DeleteIfOrphan(context, contentId);
        }

        var mailboxes = context.Command("DELETE FROM mailboxes WHERE account = $account;");
        mailboxes.Parameters.AddWithValue("$account", account);
        mailboxes.ExecuteNonQuery();
    }

    /// <summary>Deletes a stored content (summary and body) once no mailbox holds it.</summary>
    private static void DeleteIfOrphan(MailWriteContext context, long contentId)
    {
        var body = context.Command("DELETE FROM message_bodies WHERE message_id = $content AND NOT EXISTS (SELECT 1 FROM entries WHERE message_id = $content);");
        body.Parameters.AddWithValue("$content", contentId);
        body.ExecuteNonQuery();
        var orphan = context.Command("DELETE FROM messages WHERE id = $content AND NOT EXISTS (SELECT 1 FROM entries WHERE message_id = $content);");
        orphan.Parameters.AddWithValue("$content", contentId);
        orphan.ExecuteNonQuery();
    }

    private static MessageSummary ReadSummary(SqliteDataReader row) => new(
        Id: row.GetInt64(0),
        Account: row.GetString(1),
        Mailbox: row.GetString(2),
        Uid: row.GetInt64(3),
        Flags: row.GetString(4),
        InternalDate: DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(5)),
        ContentId: row.GetInt64(6),
        Size: row.GetInt64(7),
        ReversePath: row.GetString(8),
        Recipients: JsonSerializer.Deserialize<string[]>(row.GetString(9)) ?? [],
        RemoteAddress: row.IsDBNull(10) ? null : row.GetString(10),
        HeloName: row.IsDBNull(11) ? null : row.GetString(11),
        From: row.GetString(12),
        To: row.GetString(13),
        Subject: row.GetString(14),
        Date: row.IsDBNull(15) ? null : DateTimeOffset.Parse(row.GetString(15), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        AttachmentNames: JsonSerializer.Deserialize<string[]>(row.GetString(16)) ?? []);

    /// <summary>The bytes as an array of exactly their length (SQLite binds a whole array).</summary>
    private static byte[] ExactArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is not null && segment.Offset == 0 && segment.Count == segment.Array.Length
            ? segment.Array
            : bytes.ToArray();
}
