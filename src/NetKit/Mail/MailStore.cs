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
    /// <summary>The WAL is cut back to this after a checkpoint (one big message must not leave a big file behind).</summary>
    private const long JournalSizeLimit = 64L * 1024 * 1024;

    private readonly MailWriter? writer;
    private readonly string readConnectionString;
    private readonly byte[] scramSecret;
    private int disposed;

    private MailStore(string path, MailWriter? writer, string readConnectionString, byte[] scramSecret)
    {
        DatabasePath = path;
        this.writer = writer;
        this.readConnectionString = readConnectionString;
        this.scramSecret = scramSecret;
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

        if (options.MaxBatchBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchBytes must be at least 1");
        }

        if (options.CommitLinger < TimeSpan.Zero || options.CommitLinger > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "CommitLinger must be between zero and one second");
        }

        if (options.CommitLingerCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "CommitLingerCount must be at least 1 (1 never waits)");
        }

        var path = Path.Combine(Path.GetFullPath(directory), "mail.db");
        var (write, read) = ConnectionStrings(path, options);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connection = new SqliteConnection(write);
            connection.Open();
            Pragma(connection, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};");
            Pragma(connection, "PRAGMA journal_mode = WAL;");
            Pragma(connection, "PRAGMA synchronous = FULL;");
            Pragma(connection, $"PRAGMA journal_size_limit = {JournalSizeLimit};");
            Pragma(connection, "PRAGMA foreign_keys = ON;");
            MailSchema.Ensure(connection, path);
            var secret = MailSchema.ReadScramSecret(connection);
            return new MailStore(path, new MailWriter(connection, options), read, secret);
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

    /// <summary>
    /// Opens an existing store to read it (what a listing command needs): creates no directory,
    /// no file and no table, and has no writer, so every change throws <see cref="MailStoreException"/>.
    /// Fails with "no mail store at DIR" when there is none.
    /// </summary>
    public static MailStore OpenReadOnly(string directory, MailStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new MailStoreOptions();
        var full = Path.GetFullPath(directory);
        var path = Path.Combine(full, "mail.db");
        if (!File.Exists(path))
        {
            throw new MailStoreException($"no mail store at {full}");
        }

        var (_, read) = ConnectionStrings(path, options);
        try
        {
            using var connection = new SqliteConnection(read);
            connection.Open();
            var version = MailSchema.ReadVersion(connection);
            if (version == 0)
            {
                throw new MailStoreException($"no mail store at {full} (mail.db is empty)");
            }

            if (version > MailSchema.Version)
            {
                throw new MailStoreException($"{path} has schema version {version}; this NetKit knows up to {MailSchema.Version}");
            }

            return new MailStore(path, writer: null, read, MailSchema.ReadScramSecret(connection));
        }
        catch (SqliteException ex)
        {
            throw new MailStoreException($"cannot open the mail store {path}: {ex.Message}", ex);
        }
    }

    private static (string Write, string Read) ConnectionStrings(string path, MailStoreOptions options)
    {
        var timeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = timeout, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        var write = builder.ToString();
        builder.Pooling = true;
        builder.Mode = SqliteOpenMode.ReadWrite; // readers must not create a file behind a deleted one
        return (write, builder.ToString());
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The writer, or an exception when the store was opened read-only.</summary>
    private MailWriter Writer => writer ?? throw new MailStoreException($"the mail store {DatabasePath} is open read-only");

    /// <summary>Test hook: a PRAGMA's value as the writer's connection sees it (synchronous must be 2, FULL).</summary>
    internal Task<long> ReadWriterPragmaAsync(string pragma)
    {
        if (!pragma.All(c => char.IsAsciiLetterLower(c) || c == '_'))
        {
            throw new ArgumentException($"not a pragma name: {pragma}", nameof(pragma));
        }

        return Writer.EnqueueAsync(context => Convert.ToInt64(context.Command($"PRAGMA {pragma};").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), 0, CancellationToken.None);
    }

    /// <summary>Test hook: runs <paramref name="apply"/> as one change of the writer's group commit.</summary>
    internal Task<T> WriteAsync<T>(Func<MailWriteContext, T> apply, CancellationToken ct = default) => Writer.EnqueueAsync(apply, 0, ct);

    // ---- users ----

    /// <summary>
    /// Adds a user; refused when the name is taken, invalid, or when mail is already stored for an
    /// account of that name (a removed user's, kept with keepMail): see the overload with adoptMail.
    /// </summary>
    public Task<MailUser> AddUserAsync(string name, string password, CancellationToken ct = default) =>
        AddUserAsync(name, password, adoptMail: false, ct);

    /// <summary>
    /// Adds a user. With <paramref name="adoptMail"/> the new user gets whatever mail an account of
    /// that name already holds; without it such mail makes the call fail, so a new user never
    /// silently inherits a removed user's messages.
    /// </summary>
    public async Task<MailUser> AddUserAsync(string name, string password, bool adoptMail, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var normalized = MailUserNames.Normalize(name);
        var user = new MailUser(normalized, ScramCredential.Create(password), TruncateToMilliseconds(DateTimeOffset.UtcNow));
        return await Writer.EnqueueAsync(context =>
        {
            if (!adoptMail)
            {
                var held = context.Command("SELECT count(*) FROM entries e JOIN mailboxes b ON b.id = e.mailbox_id WHERE b.account = $name;");
                held.Parameters.AddWithValue("$name", user.Name);
                if ((long)held.ExecuteScalar()! is var count and > 0)
                {
                    throw new MailStoreException($"the store already holds {count} message(s) for an account \"{user.Name}\" (a removed user's?); adopt them explicitly or delete them first");
                }
            }

            var command = context.Command("INSERT INTO users (name, credential, created) VALUES ($name, $credential, $created) ON CONFLICT (name) DO NOTHING;");
            command.Parameters.AddWithValue("$name", user.Name);
            command.Parameters.AddWithValue("$credential", user.Credential.Serialize());
            command.Parameters.AddWithValue("$created", user.Created.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1 ? user : throw new MailStoreException($"user \"{user.Name}\" already exists");
        }, 0, ct).ConfigureAwait(false);
    }

    /// <summary>Removes the user and the mail of their account; false when there is no such user.</summary>
    public Task<bool> RemoveUserAsync(string name, CancellationToken ct = default) => RemoveUserAsync(name, keepMail: false, ct);

    /// <summary>
    /// Removes the user (their login) and, unless <paramref name="keepMail"/>, every mailbox and
    /// message of their account in the same transaction. False when there is no such user.
    /// </summary>
    public async Task<bool> RemoveUserAsync(string name, bool keepMail, CancellationToken ct = default)
    {
        if (!MailUserNames.TryNormalize(name, out var normalized))
        {
            return false;
        }

        return await Writer.EnqueueAsync(context =>
        {
            var command = context.Command("DELETE FROM users WHERE name = $name;");
            command.Parameters.AddWithValue("$name", normalized);
            if (command.ExecuteNonQuery() != 1)
            {
                return false;
            }

            if (!keepMail)
            {
                DeleteAccountMail(context, normalized);
            }

            return true;
        }, 0, ct).ConfigureAwait(false);
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

    /// <summary>
    /// The user when <paramref name="password"/> is theirs; null for an unknown user or a wrong password.
    /// An unknown user costs the same PBKDF2 as a known one, so timing does not tell which names exist.
    /// </summary>
    public async Task<MailUser?> VerifyPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var user = await FindUserAsync(name, ct).ConfigureAwait(false);
        return PasswordCheck.Verify(user?.Credential, password) ? user : null;
    }

    /// <summary>The SCRAM credential a SASL exchange checks, or null for an unknown user.</summary>
    public async ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
        (await FindUserAsync(userName, cancellationToken).ConfigureAwait(false))?.Credential;

    /// <summary>Persisted with the schema: unknown users' fake SCRAM salts survive a restart unchanged.</summary>
    ReadOnlyMemory<byte> ISaslCredentialStore.ScramSecret => scramSecret;

    /// <summary>Names are stored in lower case: a login as "ALICE" is reported as "alice".</summary>
    string ISaslCredentialStore.CanonicalName(string userName) =>
        MailUserNames.TryNormalize(userName, out var normalized) ? normalized : userName;

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
            return await SqliteReads.QueryAsync(readConnectionString, sql, bind, read, ct).ConfigureAwait(false);
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

        if (writer is not null)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        using var pooled = new SqliteConnection(readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }
}
