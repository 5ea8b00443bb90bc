using Microsoft.Data.Sqlite;
using NetKit.Sasl;

namespace NetKit.Mail;

/// <summary>
/// The mail store shared by SMTP, POP3 and IMAP: one SQLite file (directory/mail.db) in WAL mode
/// with synchronous=FULL, so a change is on disk when it is reported done. All changes go through
/// one writer that commits them in groups (<see cref="MailWriter"/>); reads use their own
/// connections and run beside it.
/// </summary>
public sealed partial class MailStore : IAsyncDisposable, ISaslCredentialStore
{
    private readonly MailWriter writer;
    private readonly string readConnectionString;
    private int disposed;

    private MailStore(string path, MailWriter writer, string readConnectionString)
    {
        DatabasePath = path;
        this.writer = writer;
        this.readConnectionString = readConnectionString;
    }

    public string DatabasePath { get; }

    /// <summary>Opens (creating them when missing) <paramref name="directory"/> and directory/mail.db.</summary>
    public static MailStore Open(string directory, MailStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new MailStoreOptions();
        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchSize must be at least 1");
        }

        var path = Path.Combine(Path.GetFullPath(directory), "mail.db");
        var timeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = timeout, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        var write = builder.ToString();
        builder.Pooling = true;
        builder.Mode = SqliteOpenMode.ReadWrite; // readers must not create a file behind a deleted one
        var read = builder.ToString();

        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connection = new SqliteConnection(write);
            connection.Open();
            Pragma(connection, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};");
            Pragma(connection, "PRAGMA journal_mode = WAL;");
            Pragma(connection, "PRAGMA synchronous = FULL;");
            Pragma(connection, "PRAGMA foreign_keys = ON;");
            MailSchema.Ensure(connection, path);
            return new MailStore(path, new MailWriter(connection, options), read);
        }
        catch (Exception ex)
        {
            connection?.Dispose();
            if (ex is SqliteException or IOException or UnauthorizedAccessException)
            {
                throw new MailStoreException($"cannot open the mail store {path}: {ex.Message}", ex);
            }

            throw;
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // ---- users ----

    public async Task<MailUser> AddUserAsync(string name, string password, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var normalized = MailUserNames.Normalize(name);
        var user = new MailUser(normalized, ScramCredential.Create(password), TruncateToMilliseconds(DateTimeOffset.UtcNow));
        return await writer.EnqueueAsync(context =>
        {
            var command = context.Command("INSERT INTO users (name, credential, created) VALUES ($name, $credential, $created) ON CONFLICT (name) DO NOTHING;");
            command.Parameters.AddWithValue("$name", user.Name);
            command.Parameters.AddWithValue("$credential", user.Credential.Serialize());
            command.Parameters.AddWithValue("$created", user.Created.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1 ? user : throw new MailStoreException($"user \"{user.Name}\" already exists");
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Removes the user (their login); the mail in their account stays.</summary>
    public async Task<bool> RemoveUserAsync(string name, CancellationToken ct = default)
    {
        if (!MailUserNames.TryNormalize(name, out var normalized))
        {
            return false;
        }

        return await writer.EnqueueAsync(context =>
        {
            var command = context.Command("DELETE FROM users WHERE name = $name;");
            command.Parameters.AddWithValue("$name", normalized);
            return command.ExecuteNonQuery() == 1;
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MailUser>> ListUsersAsync(CancellationToken ct = default) =>
        await QueryAsync("SELECT name, credential, created FROM users ORDER BY name;", _ => { }, ReadUser, ct).ConfigureAwait(false);

    /// <summary>The user called <paramref name="name"/> (any case), or null.</summary>
    public async Task<MailUser?> FindUserAsync(string name, CancellationToken ct = default)
    {
        if (!MailUserNames.TryNormalize(name, out var normalized))
        {
            return null;
        }

        var users = await QueryAsync(
            "SELECT name, credential, created FROM users WHERE name = $name;",
            p => p.AddWithValue("$name", normalized),
            ReadUser,
            ct).ConfigureAwait(false);
        return users.Count == 0 ? null : users[0];
    }

    /// <summary>The user when <paramref name="password"/> is theirs; null for an unknown user or a wrong password.</summary>
    public async Task<MailUser?> VerifyPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var user = await FindUserAsync(name, ct).ConfigureAwait(false);
        return user is not null && user.Credential.Verify(password) ? user : null;
    }

    /// <summary>The SCRAM credential a SASL exchange checks, or null for an unknown user.</summary>
    public async ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
        (await FindUserAsync(userName, cancellationToken).ConfigureAwait(false))?.Credential;

    private static MailUser ReadUser(SqliteDataReader row) =>
        new(row.GetString(0), ParseCredential(row.GetString(0), row.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(2)));

    private static ScramCredential ParseCredential(string name, string text)
    {
        try
        {
            return ScramCredential.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new MailStoreException($"the stored credential of user \"{name}\" is damaged", ex);
        }
    }

    // ---- plumbing ----

    /// <summary>Runs a query on a reader connection of its own (WAL lets it run beside the writer).</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        try
        {
            await using var connection = new SqliteConnection(readConnectionString);
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
        catch (SqliteException ex)
        {
            throw new MailStoreException($"cannot read the mail store {DatabasePath}: {ex.Message}", ex);
        }
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    /// <summary>Waits for queued changes to commit, then closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await writer.DisposeAsync().ConfigureAwait(false);
        using var pooled = new SqliteConnection(readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }
}
