using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>
/// A query on a reader connection of its own: WAL lets it run beside the store's one writer.
/// Shared by the mail store and the news store; each wraps <see cref="SqliteException"/> in its own words.
/// </summary>
internal static class SqliteReads
{
    public static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        await using var row = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var results = new List<T>();
        while (await row.ReadAsync(ct).ConfigureAwait(false))
        {
            results.Add(read(row));
        }

        return results;
    }
}
