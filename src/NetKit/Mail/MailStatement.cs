using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace NetKit.Mail;

/// <summary>
/// One statement of the delivery path, compiled once on the writer's connection and run through
/// SQLite's own API: parameters bound by position, no command, reader or parameter objects.
/// Microsoft.Data.Sqlite looks each named parameter up (in UTF-8) and builds a data reader on every
/// execution, which cost the writer more than SQLite's own work for the small inserts it runs for
/// every message. Errors surface as <see cref="SqliteException"/>, as from a command.
/// Only the writer's thread uses it, inside its transaction; it is reset after every run.
/// </summary>
internal sealed class MailStatement : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;
    private byte[] utf8 = new byte[256];

    public MailStatement(SqliteConnection connection, string sql)
    {
        db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var prepared);
        if (rc != raw.SQLITE_OK)
        {
            prepared?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        statement = prepared ?? throw new InvalidOperationException($"SQLite compiled no statement from: {sql}");
    }

    // Positions count from 1, as in SQL's ?1.
    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(statement, position, value));

    /// <summary>Text, as UTF-8 of its exact length (a NUL inside it is kept); null as SQL NULL.</summary>
    public void Bind(int position, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(statement, position));
            return;
        }

        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (utf8.Length < length)
        {
            utf8 = new byte[Math.Max(length, utf8.Length * 2)];
        }

        // SQLite copies it (SQLITE_TRANSIENT), so the buffer serves the next parameter.
        Check(raw.sqlite3_bind_text(statement, position, utf8.AsSpan(0, Encoding.UTF8.GetBytes(value, utf8))));
    }

    public void Bind(int position, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(statement, position, value));

    /// <summary>Runs the statement; returns its first row's first <paramref name="columns"/> integers, or null for no row.</summary>
    public (long First, long Second)? Run(int columns)
    {
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_ROW)
            {
                return (raw.sqlite3_column_int64(statement, 0), columns > 1 ? raw.sqlite3_column_int64(statement, 1) : 0);
            }

            Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc);
            return null;
        }
        finally
        {
            // Ready for the next run (a RETURNING statement made all its changes in its first step).
            raw.sqlite3_reset(statement);
            // Bound text and blobs are SQLite's own copies: without this the last message's body
            // would stay in native memory until the next delivery.
            raw.sqlite3_clear_bindings(statement);
        }
    }

    /// <summary>The rowid the connection's last INSERT gave (an INTEGER PRIMARY KEY's value): cheaper than RETURNING, which buffers its rows in a temporary table.</summary>
    public long LastInsertId => raw.sqlite3_last_insert_rowid(db);

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    public void Dispose() => statement.Dispose();
}
