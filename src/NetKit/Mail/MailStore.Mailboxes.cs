namespace NetKit.Mail;

/// <summary>How a change to a mailbox's existence ended.</summary>
public enum MailboxResult
{
    Done,
    NotFound,
    AlreadyExists,
}

// Mailboxes as IMAP sees them: create, delete, rename (with their children), subscriptions.
public sealed partial class MailStore
{
    /// <summary>Creates a mailbox (UIDVALIDITY new, UIDNEXT 1); AlreadyExists when the account has one by that name.</summary>
    public Task<MailboxResult> CreateMailboxAsync(string account, string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var normalized = MailUserNames.NormalizeAccount(account);
        return Writer.EnqueueAsync(context =>
        {
            if (FindMailboxId(context, normalized, name) is not null)
            {
                return MailboxResult.AlreadyExists;
            }

            InsertMailbox(context, normalized, name, uidNext: 1);
            return MailboxResult.Done;
        }, 0, ct);
    }

    /// <summary>Creates each of <paramref name="names"/> the account does not have yet (INBOX and the special-use mailboxes at first login).</summary>
    public Task EnsureMailboxesAsync(string account, IEnumerable<string> names, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var normalized = MailUserNames.NormalizeAccount(account);
        var list = names.ToArray();
        return Writer.EnqueueAsync(context =>
        {
            foreach (var name in list)
            {
                if (FindMailboxId(context, normalized, name) is null)
                {
                    InsertMailbox(context, normalized, name, uidNext: 1);
                }
            }

            return true;
        }, 0, ct);
    }

    /// <summary>Deletes a mailbox and its messages (contents no other mailbox holds go too). Subscriptions stay, as RFC 3501 wants.</summary>
    public async Task<MailboxResult> DeleteMailboxAsync(string account, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = MailUserNames.NormalizeAccount(account);
        var result = await Writer.EnqueueAsync(context =>
        {
            if (FindMailboxId(context, normalized, name) is not { } id)
            {
                return MailboxResult.NotFound;
            }

            var entries = context.Command("DELETE FROM entries WHERE mailbox_id = $id RETURNING message_id;");
            entries.Parameters.AddWithValue("$id", id);
            var contents = new List<long>();
            using (var row = entries.ExecuteReader())
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

            var mailbox = context.Command("DELETE FROM mailboxes WHERE id = $id;");
            mailbox.Parameters.AddWithValue("$id", id);
            mailbox.ExecuteNonQuery();
            return MailboxResult.Done;
        }, 0, ct).ConfigureAwait(false);
        if (result == MailboxResult.Done)
        {
            OnMailboxChanged(normalized, name);
        }

        return result;
    }

    /// <summary>
    /// Renames a mailbox and every mailbox below it (names starting with old name and
    /// <paramref name="delimiter"/>); UIDVALIDITY and UIDs stay. Renaming INBOX moves its messages
    /// to a new mailbox and leaves INBOX empty (RFC 3501 section 6.3.5).
    /// </summary>
    public async Task<MailboxResult> RenameMailboxAsync(string account, string oldName, string newName, char delimiter = '/', CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(oldName);
        ArgumentException.ThrowIfNullOrEmpty(newName);
        var normalized = MailUserNames.NormalizeAccount(account);
        var result = await Writer.EnqueueAsync(context =>
        {
            if (FindMailboxId(context, normalized, oldName) is not { } id)
            {
                return MailboxResult.NotFound;
            }

            if (FindMailboxId(context, normalized, newName) is not null)
            {
                return MailboxResult.AlreadyExists;
            }

            if (oldName == Inbox)
            {
                var target = InsertMailbox(context, normalized, newName, uidNext: 1);
                var entries = new List<long>();
                var select = context.Command("SELECT id FROM entries WHERE mailbox_id = $id ORDER BY uid;");
                select.Parameters.AddWithValue("$id", id);
                using (var row = select.ExecuteReader())
                {
                    while (row.Read())
                    {
                        entries.Add(row.GetInt64(0));
                    }
                }

                foreach (var entry in entries)
                {
                    var (_, uid) = NextUid(context, normalized, newName);
                    var move = context.Command("UPDATE entries SET mailbox_id = $target, uid = $uid WHERE id = $entry;");
                    move.Parameters.AddWithValue("$target", target);
                    move.Parameters.AddWithValue("$uid", uid);
                    move.Parameters.AddWithValue("$entry", entry);
                    move.ExecuteNonQuery();
                }

                return MailboxResult.Done;
            }

            var prefix = oldName + delimiter;
            var children = context.Command("SELECT count(*) FROM mailboxes WHERE account = $account AND substr(name, 1, length($prefix)) = $prefix AND ($new || substr(name, length($old) + 1)) IN (SELECT name FROM mailboxes WHERE account = $account);");
            children.Parameters.AddWithValue("$account", normalized);
            children.Parameters.AddWithValue("$prefix", prefix);
            children.Parameters.AddWithValue("$old", oldName);
            children.Parameters.AddWithValue("$new", newName);
            if ((long)children.ExecuteScalar()! > 0)
            {
                return MailboxResult.AlreadyExists;
            }

            var rename = context.Command("""
                UPDATE mailboxes SET name = $new || substr(name, length($old) + 1)
                WHERE account = $account AND (name = $old OR substr(name, 1, length($prefix)) = $prefix);
                """);
            rename.Parameters.AddWithValue("$account", normalized);
            rename.Parameters.AddWithValue("$prefix", prefix);
            rename.Parameters.AddWithValue("$old", oldName);
            rename.Parameters.AddWithValue("$new", newName);
            rename.ExecuteNonQuery();
            return MailboxResult.Done;
        }, 0, ct).ConfigureAwait(false);
        if (result == MailboxResult.Done)
        {
            OnMailboxChanged(normalized, oldName);
            OnMailboxChanged(normalized, newName);
        }

        return result;
    }

    /// <summary>Adds or removes a subscription (IMAP SUBSCRIBE, UNSUBSCRIBE); false when there was nothing to change.</summary>
    public Task<bool> SetSubscribedAsync(string account, string name, bool subscribed, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var normalized = MailUserNames.NormalizeAccount(account);
        return Writer.EnqueueAsync(context =>
        {
            var command = context.Command(subscribed
                ? "INSERT INTO subscriptions (account, name) VALUES ($account, $name) ON CONFLICT DO NOTHING;"
                : "DELETE FROM subscriptions WHERE account = $account AND name = $name;");
            command.Parameters.AddWithValue("$account", normalized);
            command.Parameters.AddWithValue("$name", name);
            return command.ExecuteNonQuery() == 1;
        }, 0, ct);
    }

    /// <summary>The names an account has subscribed to, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListSubscriptionsAsync(string account, CancellationToken ct = default)
    {
        var normalized = MailUserNames.NormalizeAccount(account);
        return await QueryAsync(
            "SELECT name FROM subscriptions WHERE account = $account ORDER BY name;",
            p => p.AddWithValue("$account", normalized),
            row => row.GetString(0),
            ct).ConfigureAwait(false);
    }

    private static long? FindMailboxId(MailWriteContext context, string account, string name)
    {
        var find = context.Command("SELECT id FROM mailboxes WHERE account = $account AND name = $name;");
        find.Parameters.AddWithValue("$account", account);
        find.Parameters.AddWithValue("$name", name);
        return find.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>A new mailbox row (its UIDVALIDITY new, see <see cref="NewUidValidity"/>); returns its id.</summary>
    private static long InsertMailbox(MailWriteContext context, string account, string name, long uidNext)
    {
        var create = context.Command("INSERT INTO mailboxes (account, name, uidvalidity, uidnext) VALUES ($account, $name, $uidvalidity, $uidnext) RETURNING id;");
        create.Parameters.AddWithValue("$account", account);
        create.Parameters.AddWithValue("$name", name);
        create.Parameters.AddWithValue("$uidvalidity", NewUidValidity(context, account));
        create.Parameters.AddWithValue("$uidnext", uidNext);
        return (long)create.ExecuteScalar()!;
    }
}
