using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>
/// The writer's connection inside the current transaction, with its commands kept compiled:
/// the same few statements run thousands of times a second.
/// </summary>
internal sealed class MailWriteContext(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MailStatement> statements = new(StringComparer.Ordinal);

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, bound to the current transaction.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands.Add(sql, command);
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// The statement for <paramref name="sql"/> (parameters ?1, ?2 ...) through SQLite's own API:
    /// for the few statements every delivery runs (see <see cref="MailStatement"/>).
    /// </summary>
    public MailStatement Statement(string sql)
    {
        if (!statements.TryGetValue(sql, out var statement))
        {
            statement = new MailStatement(connection, sql);
            statements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>Runs a statement without parameters or results (a savepoint's), compiled once.</summary>
    public void Execute(string sql) => Command(sql).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }

        commands.Clear();
        foreach (var statement in statements.Values)
        {
            statement.Dispose();
        }

        statements.Clear();
    }
}
