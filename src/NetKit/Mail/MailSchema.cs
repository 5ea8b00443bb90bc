using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>
/// The tables of mail.db, created on first open and versioned with PRAGMA user_version so
/// a later NetKit can migrate them and an older one refuses a newer file instead of damaging it.
/// </summary>
internal static class MailSchema
{
    public const int Version = 3;

    // Times are Unix milliseconds (UTC) so they sort and compare in SQL; the message's own Date
    // header keeps its offset as ISO 8601 text. Ids use AUTOINCREMENT so an id shown to a user,
    // or a content id, is never given to another message after a deletion.
    // The bodies live in a table of their own: a BLOB in the summary row would make every list
    // walk each message's overflow pages. The envelope recipients sit on each entry, holding only
    // the addresses that reached that account, so a Bcc recipient stays invisible to the others.
    // settings holds the store's secrets (scram_secret keys unknown users' fake SCRAM salts, so
    // they stay the same across restarts and a restart reveals nothing about which names exist).
    private const string CreateV1 = """
        CREATE TABLE settings (
            name  TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL
        );
        INSERT INTO settings (name, value) VALUES ('scram_secret', randomblob(32));
        CREATE TABLE users (
            name       TEXT PRIMARY KEY NOT NULL,
            credential TEXT NOT NULL,
            created    INTEGER NOT NULL
        );
        CREATE TABLE mailboxes (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            account     TEXT NOT NULL,
            name        TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            uidnext     INTEGER NOT NULL,
            UNIQUE (account, name)
        );
        CREATE TABLE messages (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            size             INTEGER NOT NULL,
            reverse_path     TEXT NOT NULL,
            remote_address   TEXT,
            helo             TEXT,
            received         INTEGER NOT NULL,
            from_text        TEXT NOT NULL,
            to_text          TEXT NOT NULL,
            subject          TEXT NOT NULL,
            date             TEXT,
            attachment_count INTEGER NOT NULL,
            attachment_names TEXT NOT NULL
        );
        CREATE TABLE message_bodies (
            message_id INTEGER PRIMARY KEY REFERENCES messages (id),
            raw        BLOB NOT NULL
        );
        CREATE TABLE entries (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            mailbox_id    INTEGER NOT NULL REFERENCES mailboxes (id),
            uid           INTEGER NOT NULL,
            flags         TEXT NOT NULL DEFAULT '',
            internal_date INTEGER NOT NULL,
            message_id    INTEGER NOT NULL REFERENCES messages (id),
            recipients    TEXT NOT NULL,
            UNIQUE (mailbox_id, uid)
        );
        CREATE INDEX entries_message ON entries (message_id);
        """;

    // Version 2: IMAP subscriptions (a name may be subscribed whether or not the mailbox exists).
    private const string CreateV2 = """
        CREATE TABLE subscriptions (
            account TEXT NOT NULL,
            name    TEXT NOT NULL,
            PRIMARY KEY (account, name)
        );
        """;

    // Version 3: each content's IMAP ENVELOPE, BODY and BODYSTRUCTURE in wire form, computed on its
    // first FETCH (an older store simply has none yet). It goes with its content (ON DELETE CASCADE).
    private const string CreateV3 = """
        CREATE TABLE message_structures (
            message_id    INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
            envelope      BLOB NOT NULL,
            body          BLOB NOT NULL,
            bodystructure BLOB NOT NULL
        );
        """;

    /// <summary>Creates the schema in an empty database; refuses a database from a newer NetKit.</summary>
    public static void Ensure(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar(connection, transaction, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new MailStoreException($"{path} has schema version {version}; this NetKit knows up to {Version}");
        }

        if (version == 0)
        {
            Execute(connection, transaction, CreateV1);
        }

        if (version < 2)
        {
            Execute(connection, transaction, CreateV2);
        }

        if (version < 3)
        {
            Execute(connection, transaction, CreateV3);
        }

        if (version < Version)
        {
            Execute(connection, transaction, $"PRAGMA user_version = {Version};");
        }

        transaction.Commit();
    }

    /// <summary>The schema version of a database opened read-only: 0 when it was never created.</summary>
    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The store's SCRAM secret (created with the schema).</summary>
    public static byte[] ReadScramSecret(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE name = 'scram_secret';";
        return command.ExecuteScalar() as byte[] is { Length: >= 32 } secret
            ? secret
            : throw new MailStoreException("the mail store's SCRAM secret is missing or damaged");
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
