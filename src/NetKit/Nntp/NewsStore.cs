using Microsoft.Data.Sqlite;
using NetKit.Mail;

namespace NetKit.Nntp;

/// <summary>
/// The news store: DIR/news.db, beside the mail store and built the same way (WAL,
/// synchronous=FULL, one writer with group commit: the mail store's <see cref="MailWriter"/>),
/// so a post is on disk before the server says 240 or 235. Groups, articles byte-exact,
/// per-group article numbers that never repeat, unique message-ids, overview fields.
/// </summary>
public sealed class NewsStore : IAsyncDisposable
{
    private readonly MailWriter? _writer;
    private readonly string _read;
    private int _disposed;

    private NewsStore(string path, MailWriter? writer, string read)
    {
        DatabasePath = path;
        _writer = writer;
        _read = read;
    }

    public string DatabasePath { get; }

    /// <summary>Opens (creating them when missing) <paramref name="directory"/> and directory/news.db.</summary>
    public static NewsStore Open(string directory, MailStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new MailStoreOptions();
        var path = Path.Combine(Path.GetFullPath(directory), "news.db");
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = (int)options.BusyTimeout.TotalSeconds };
        var write = builder.ToString();
        builder.Pooling = true;
        builder.Mode = SqliteOpenMode.ReadWrite;
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connection = new SqliteConnection(write);
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
                pragma.ExecuteNonQuery();
            }

            NewsSchema.Ensure(connection, path);
            return new NewsStore(path, new MailWriter(connection, options), builder.ToString());
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new NewsStoreException($"cannot open the news store {path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Opens an existing news store for reading only (`netkit news list` beside a running
    /// `netkit serve`): it creates no file and no table and has no writer, so every change
    /// throws <see cref="NewsStoreException"/>. Fails with "no news store at DIR" when there is none.
    /// </summary>
    public static NewsStore OpenReadOnly(string directory, MailStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new MailStoreOptions();
        var full = Path.GetFullPath(directory);
        var path = Path.Combine(full, "news.db");
        if (!File.Exists(path))
        {
            throw new NewsStoreException($"no news store at {full}");
        }

        // ReadWrite, not ReadOnly: a WAL reader may need to write the -shm index; Pooling for the reads.
        var read = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = (int)options.BusyTimeout.TotalSeconds }.ToString();
        try
        {
            using var connection = new SqliteConnection(read);
            connection.Open();
            var version = NewsSchema.ReadVersion(connection);
            if (version == 0)
            {
                throw new NewsStoreException($"no news store at {full} (news.db is empty)");
            }

            if (version > NewsSchema.Version)
            {
                throw new NewsStoreException($"{path} has schema version {version}; this NetKit knows up to {NewsSchema.Version}");
            }

            return new NewsStore(path, writer: null, read);
        }
        catch (SqliteException ex)
        {
            throw new NewsStoreException($"cannot open the news store {path}: {ex.Message}", ex);
        }
    }

    /// <summary>RFC 3977 4.1's wildmat-safe names: dot-separated parts of letters, digits, "+", "-", "_".</summary>
    public static bool IsValidGroupName(string name) =>
        name.Length is > 0 and <= 250 && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' or '_');

    /// <summary>Creates a group; false when it exists already.</summary>
    public Task<bool> AddGroupAsync(string name, string description = "", bool moderated = false, CancellationToken ct = default)
    {
        if (!IsValidGroupName(name))
        {
            throw new NewsStoreException($"\"{name}\" is not a newsgroup name (letters, digits, + - _ between dots)");
        }

        var created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Enqueue(context =>
        {
            var command = context.Command("INSERT INTO groups (name, description, moderated, next_number, created) VALUES ($n, $d, $m, 1, $c) ON CONFLICT (name) DO NOTHING;");
            command.Parameters.AddWithValue("$n", name.ToLowerInvariant());
            command.Parameters.AddWithValue("$d", description);
            command.Parameters.AddWithValue("$m", moderated ? 1 : 0);
            command.Parameters.AddWithValue("$c", created);
            return command.ExecuteNonQuery() == 1;
        }, 0, ct);
    }

    /// <summary>
    /// Stores an article in each of <paramref name="groups"/>, all or nothing, and returns only once it is
    /// committed. Refused (nothing written) when its message-id is known, a group does not exist, or,
    /// with <paramref name="approved"/> false (a POST without an Approved header), a group is moderated:
    /// checked in the writing transaction, so a POST costs no read of its own.
    /// </summary>
    public Task<NewsPostResult> StoreAsync(byte[] raw, IReadOnlyList<string> groups, bool approved = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(groups);
        var headers = NntpArticleHeaders.Parse(raw);
        var id = headers["Message-ID"] ?? throw new ArgumentException("the article has no Message-ID", nameof(raw));
        var overview = NntpOverview.FromArticle(0, headers, raw.Length);
        var posted = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var names = groups.Select(g => g.ToLowerInvariant()).Distinct().ToArray();
        return Enqueue(context =>
        {
            var known = context.Command("SELECT 1 FROM articles WHERE message_id = $id;");
            known.Parameters.AddWithValue("$id", id);
            if (known.ExecuteScalar() is not null)
            {
                return new NewsPostResult(NewsPostOutcome.DuplicateMessageId, []);
            }

            var numbers = new List<(string, long)>();
            foreach (var name in names)
            {
                var next = context.Command("SELECT next_number, moderated FROM groups WHERE name = $n;");
                next.Parameters.AddWithValue("$n", name);
                using var row = next.ExecuteReader();
                if (!row.Read())
                {
                    return new NewsPostResult(NewsPostOutcome.NoSuchGroup, [], name);
                }

                if (!approved && row.GetInt64(1) != 0)
                {
                    return new NewsPostResult(NewsPostOutcome.NotApproved, [], name);
                }

                numbers.Add((name, row.GetInt64(0)));
            }

            var insert = context.Command("""
                INSERT INTO articles (message_id, posted, subject, from_text, date, refs, bytes, lines, raw)
                VALUES ($id, $posted, $s, $f, $d, $r, $b, $l, $raw) RETURNING id;
                """);
            var p = insert.Parameters;
            p.AddWithValue("$id", id);
            p.AddWithValue("$posted", posted);
            p.AddWithValue("$s", overview.Subject);
            p.AddWithValue("$f", overview.From);
            p.AddWithValue("$d", overview.Date);
            p.AddWithValue("$r", overview.References);
            p.AddWithValue("$b", overview.Bytes);
            p.AddWithValue("$l", overview.Lines);
            p.AddWithValue("$raw", raw);
            var articleId = (long)insert.ExecuteScalar()!;
            foreach (var (name, number) in numbers)
            {
                var link = context.Command("INSERT INTO group_articles (group_name, number, article_id) VALUES ($n, $num, $a);");
                link.Parameters.AddWithValue("$n", name);
                link.Parameters.AddWithValue("$num", number);
                link.Parameters.AddWithValue("$a", articleId);
                link.ExecuteNonQuery();
                var bump = context.Command("UPDATE groups SET next_number = $num + 1 WHERE name = $n;");
                bump.Parameters.AddWithValue("$n", name);
                bump.Parameters.AddWithValue("$num", number);
                bump.ExecuteNonQuery();
            }

            return new NewsPostResult(NewsPostOutcome.Stored, numbers);
        }, raw.Length, ct);
    }

    private const string GroupSelect = """
        SELECT g.name, g.description, g.moderated, g.next_number, g.created,
               (SELECT count(*) FROM group_articles a WHERE a.group_name = g.name),
               (SELECT min(number) FROM group_articles a WHERE a.group_name = g.name)
        FROM groups g
        """;

    public async Task<IReadOnlyList<NewsGroup>> ListGroupsAsync(CancellationToken ct = default) =>
        await QueryAsync(GroupSelect + " ORDER BY g.name;", _ => { }, ReadGroup, ct).ConfigureAwait(false);

    /// <summary>The group called <paramref name="name"/> (any case), or null.</summary>
    public async Task<NewsGroup?> FindGroupAsync(string name, CancellationToken ct = default)
    {
        var found = await QueryAsync(GroupSelect + " WHERE g.name = $n;", p => p.AddWithValue("$n", name.ToLowerInvariant()), ReadGroup, ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// Whether the group <paramref name="name"/> (any case) is moderated; null when there is no such group.
    /// Cheaper than <see cref="FindGroupAsync"/>, which counts the group's articles: POST and IHAVE ask this per article.
    /// </summary>
    public async Task<bool?> IsModeratedAsync(string name, CancellationToken ct = default)
    {
        var found = await QueryAsync("SELECT moderated FROM groups WHERE name = $n;", p => p.AddWithValue("$n", name.ToLowerInvariant()), r => r.GetInt64(0) != 0, ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Whether an article with that message-id is stored (IHAVE's duplicate check, without reading the article).</summary>
    public async Task<bool> HasArticleAsync(string messageId, CancellationToken ct = default) =>
        (await QueryAsync("SELECT 1 FROM articles WHERE message_id = $id;", p => p.AddWithValue("$id", messageId), _ => true, ct).ConfigureAwait(false)).Count > 0;

    /// <summary>The article numbers of a group within a range, in order.</summary>
    public async Task<IReadOnlyList<long>> ListNumbersAsync(string group, NntpRange range, CancellationToken ct = default) =>
        await QueryAsync("SELECT number FROM group_articles WHERE group_name = $g AND number >= $lo AND number <= $hi ORDER BY number;",
            p => BindRange(p, group, range), r => r.GetInt64(0), ct).ConfigureAwait(false);

    /// <summary>The article numbered <paramref name="number"/> in <paramref name="group"/>, or null.</summary>
    public async Task<NewsArticle?> GetArticleAsync(string group, long number, CancellationToken ct = default)
    {
        var found = await QueryAsync(
            "SELECT a.message_id, a.raw FROM group_articles g JOIN articles a ON a.id = g.article_id WHERE g.group_name = $g AND g.number = $num;",
            p =>
            {
                p.AddWithValue("$g", group);
                p.AddWithValue("$num", number);
            },
            r => new NewsArticle(number, r.GetString(0), (byte[])r[1]), ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The article with that message-id, or null; its number is the one in <paramref name="group"/> when it is there, else 0.</summary>
    public async Task<NewsArticle?> FindArticleAsync(string messageId, string? group = null, CancellationToken ct = default)
    {
        var found = await QueryAsync(
            "SELECT a.raw, (SELECT number FROM group_articles g WHERE g.article_id = a.id AND g.group_name = $g) FROM articles a WHERE a.message_id = $id;",
            p =>
            {
                p.AddWithValue("$id", messageId);
                p.AddWithValue("$g", (object?)group ?? DBNull.Value);
            },
            r => new NewsArticle(r.IsDBNull(1) ? 0 : r.GetInt64(1), messageId, (byte[])r[0]), ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// The overview of a group's articles within a range, in order; at most <paramref name="limit"/>
    /// of them (OVER reads a big range page by page, so no read holds the WAL for long).
    /// </summary>
    public async Task<IReadOnlyList<NntpOverview>> GetOverviewAsync(string group, NntpRange range, int limit = int.MaxValue, CancellationToken ct = default) =>
        await QueryAsync("""
            SELECT g.number, a.subject, a.from_text, a.date, a.message_id, a.refs, a.bytes, a.lines
            FROM group_articles g JOIN articles a ON a.id = g.article_id
            WHERE g.group_name = $g AND g.number >= $lo AND g.number <= $hi ORDER BY g.number LIMIT $limit;
            """, p =>
            {
                BindRange(p, group, range);
                p.AddWithValue("$limit", limit);
            }, ReadOverview, ct).ConfigureAwait(false);

    /// <summary>The overview fields of one article by message-id (number 0), or null.</summary>
    public async Task<NntpOverview?> GetOverviewAsync(string messageId, CancellationToken ct = default)
    {
        var found = await QueryAsync(
            "SELECT 0, subject, from_text, date, message_id, refs, bytes, lines FROM articles WHERE message_id = $id;",
            p => p.AddWithValue("$id", messageId), ReadOverview, ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Message-ids of articles stored since <paramref name="since"/>, with the groups each is in.</summary>
    public async Task<IReadOnlyList<(string MessageId, string Group)>> ListSinceAsync(DateTimeOffset since, CancellationToken ct = default) =>
        await QueryAsync(
            "SELECT a.message_id, g.group_name FROM articles a JOIN group_articles g ON g.article_id = a.id WHERE a.posted >= $t ORDER BY a.id;",
            p => p.AddWithValue("$t", since.ToUnixTimeMilliseconds()), r => (r.GetString(0), r.GetString(1)), ct).ConfigureAwait(false);

    private static void BindRange(SqliteParameterCollection p, string group, NntpRange range)
    {
        p.AddWithValue("$g", group);
        p.AddWithValue("$lo", range.Low);
        p.AddWithValue("$hi", range.High ?? long.MaxValue);
    }

    private static NntpOverview ReadOverview(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7));

    private static NewsGroup ReadGroup(SqliteDataReader r)
    {
        var next = r.GetInt64(3);
        var count = r.GetInt64(5);
        var low = r.IsDBNull(6) ? next : r.GetInt64(6);
        return new NewsGroup(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, count, low, next - 1, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)));
    }

    private async Task<T> Enqueue<T>(Func<MailWriteContext, T> apply, long bytes, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is null)
        {
            throw new NewsStoreException($"the news store {DatabasePath} is open read-only");
        }

        try
        {
            return await _writer.EnqueueAsync(apply, bytes, ct).ConfigureAwait(false);
        }
        catch (MailStoreException ex)
        {
            throw new NewsStoreException(ex.Message.Replace("mail store", "news store", StringComparison.Ordinal), ex);
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            return await SqliteReads.QueryAsync(_read, sql, bind, read, ct).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new NewsStoreException($"cannot read the news store {DatabasePath}: {ex.Message}", ex);
        }
    }

    /// <summary>Waits for queued changes to commit, then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }

        using var pooled = new SqliteConnection(_read);
        SqliteConnection.ClearPool(pooled);
    }
}
