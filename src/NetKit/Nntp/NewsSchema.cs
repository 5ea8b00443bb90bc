using Microsoft.Data.Sqlite;

namespace NetKit.Nntp;

/// <summary>
/// The tables of news.db, versioned with PRAGMA user_version as mail.db is.
/// A group's next_number only grows, so an article number is never given twice
/// in a group, even after deletions; the articles table keeps the bytes as
/// posted plus the overview fields, so OVER never parses an article.
/// </summary>
internal static class NewsSchema
{
    public const int Version = 1;

    private const string CreateV1 = """
        CREATE TABLE groups (
            name        TEXT PRIMARY KEY NOT NULL,
            description TEXT NOT NULL,
            moderated   INTEGER NOT NULL,
            next_number INTEGER NOT NULL,
            created     INTEGER NOT NULL
        );
        CREATE TABLE articles (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id  TEXT NOT NULL UNIQUE,
            posted      INTEGER NOT NULL,
            subject     TEXT NOT NULL,
            from_text   TEXT NOT NULL,
            date        TEXT NOT NULL,
            refs        TEXT NOT NULL,
            bytes       INTEGER NOT NULL,
            lines       INTEGER NOT NULL,
            raw         BLOB NOT NULL
        );
        CREATE TABLE group_articles (
            group_name TEXT NOT NULL REFERENCES groups (name),
            number     INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles (id),
            PRIMARY KEY (group_name, number)
        ) WITHOUT ROWID;
        CREATE INDEX articles_posted ON articles (posted);
        CREATE INDEX group_articles_article ON group_articles (article_id);
        """;

    public static int ReadVersion(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void Ensure(SqliteConnection connection, string path)
    {
        var version = ReadVersion(connection);
        if (version == Version)
        {
            return;
        }

        if (version != 0)
        {
            throw new NewsStoreException($"{path} has schema version {version}; this NetKit knows {Version}");
        }

        using var transaction = connection.BeginTransaction();
        using var create = connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText = CreateV1 + $"PRAGMA user_version = {Version};";
        create.ExecuteNonQuery();
        transaction.Commit();
    }
}
