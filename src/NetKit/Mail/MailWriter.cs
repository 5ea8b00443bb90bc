using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>
/// The store's one writer and its group commit. Callers queue changes; a thread of its own takes
/// every change waiting, applies them in ONE transaction (one bad change still fails alone: see
/// below) and commits, which is the one fsync they share; only then does it complete
/// their tasks. If the commit fails, every change of the batch fails: nothing is reported stored
/// that is not. A batch is capped in changes and in bytes (a big message is a batch of its own).
/// A batch is first written without savepoints (changes rarely fail, and two savepoint statements
/// per change cost more than the change's own inserts); should one change fail, the transaction
/// is rolled back, that change fails alone with its own error, and the others are written again
/// with a savepoint each. If a change makes SQLite abandon the whole transaction (disk full, I/O
/// error), that change fails with its own error and the batch's other changes are applied again
/// in a new transaction.
/// </summary>
internal sealed class MailWriter : IAsyncDisposable
{
    // Each change in a savepoint of its own, through commands compiled once (SqliteTransaction.Save
    // and Release compile their statement on every call: two per message).
    // (Only after a change of the batch has failed: see TryWriteBatch.)
    private const string Savepoint = "SAVEPOINT change;";
    private const string ReleaseSavepoint = "RELEASE change;";
    private const string RollbackSavepoint = "ROLLBACK TO change;";

    // Callers add under the lock and wake the writer thread directly when it sleeps: a Channel
    // would wake it through a thread-pool work item, one more thread hop for every batch.
    private readonly Queue<MailWriteRequest> queue = new();
    private readonly object gate = new();
    private bool closed;
    private bool sleeping;
    private int lingerUntil; // while the writer lingers: the queue length that wakes it early (0: any)
    private int lastBatch;
    private Exception? stoppedBy;

    private readonly SqliteConnection connection;
    private readonly MailWriteContext context;
    private readonly MailStoreOptions options;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MailWriterReplies replies = new();

    public MailWriter(SqliteConnection connection, MailStoreOptions options)
    {
        this.connection = connection;
        this.options = options;
        context = new MailWriteContext(connection);
        // Its own thread, not the thread pool's: a batch blocks in SQLite and in fsync for
        // milliseconds, and on a small machine that would take one of the few workers that run
        // every session (the SMTP benchmark lost about half its rate to it).
        new Thread(Run) { IsBackground = true, Name = "netkit mail writer" }.Start();
    }

    /// <param name="bytes">About how many bytes the change writes (caps the batch); 0 for small changes.</param>
    /// <param name="shortContinuation">
    /// The caller's continuation is short and never blocks (an SMTP session sending its 250): after
    /// the commit it runs on the writer's reply thread (<see cref="MailWriterReplies"/>) instead of
    /// being queued to the thread pool one by one. A failure or a cancellation still resumes the
    /// caller on the thread pool.
    /// </param>
    public Task<T> EnqueueAsync<T>(Func<MailWriteContext, T> apply, long bytes, CancellationToken cancellationToken, bool shortContinuation = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new MailWriteRequest<T>(apply, bytes, shortContinuation);
        request.Watch(cancellationToken);
        lock (gate)
        {
            if (closed)
            {
                request.TryClaim();
                throw stoppedBy is null
                    ? new MailStoreException("the mail store is closed")
                    : new MailStoreException($"the mail store's writer stopped: {stoppedBy.Message}", stoppedBy);
            }

            queue.Enqueue(request);
            if (sleeping && queue.Count >= lingerUntil)
            {
                sleeping = false;
                Monitor.Pulse(gate);
            }
        }

        return request.Task;
    }

    private void Run()
    {
        try
        {
            Drain();
        }
        finally
        {
            stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Blocks this writer thread until a change is queued, then takes the next batch (capped in
    /// changes and bytes); false once the queue is closed and empty.
    /// </summary>
    private bool TakeBatch(List<MailWriteRequest> batch)
    {
        lock (gate)
        {
            var idleSince = queue.Count == 0 ? Stopwatch.GetTimestamp() : 0;
            while (queue.Count == 0)
            {
                if (closed)
                {
                    return false;
                }

                sleeping = true;
                Monitor.Wait(gate);
            }

            // A writer that comes after a pause longer than the linger is not arriving beside
            // others: it must not wait for the last burst's count.
            if (idleSince != 0 && Stopwatch.GetElapsedTime(idleSince) > options.CommitLinger)
            {
                lastBatch = 1;
            }

            Linger();
            long bytes = 0;
            while (batch.Count < options.MaxBatchSize && queue.TryPeek(out var next)
                   && (batch.Count == 0 || bytes + next.Bytes <= options.MaxBatchBytes))
            {
                queue.Dequeue();
                batch.Add(next);
                bytes += next.Bytes;
            }

            lastBatch = batch.Count;
            return true;
        }
    }

    /// <summary>
    /// Under the lock, with a change queued: when the last batch held several changes (writers are
    /// arriving side by side) and fewer than that are queued yet, waits for as many (at most
    /// <see cref="MailStoreOptions.CommitLingerCount"/>) or <see cref="MailStoreOptions.CommitLinger"/>,
    /// whichever comes first, so that one commit serves more of them (PostgreSQL's commit_delay
    /// with commit_siblings). Each commit costs its fsync, the WAL frames of the pages every change
    /// touches (the tables' last leaves, the indexes', the mailbox row), two thread wake-ups and
    /// SQLite's transaction: with 20 SMTP sessions, batches of 4 became 8 and the server's CPU per
    /// message fell by a tenth. A lone writer (last batch of one) never waits.
    /// </summary>
    private void Linger()
    {
        var target = Math.Min(lastBatch, options.CommitLingerCount);
        if (target < 2 || queue.Count >= target || closed || options.CommitLinger <= TimeSpan.Zero)
        {
            return;
        }

        lingerUntil = target;
        sleeping = true;
        Monitor.Wait(gate, options.CommitLinger);
        sleeping = false;
        lingerUntil = 0;
    }

    private void Drain()
    {
        var batch = new List<MailWriteRequest>();
        try
        {
            while (TakeBatch(batch))
            {
                // A change its caller cancelled while it waited is skipped.
                batch.RemoveAll(static request => !request.TryClaim());
                if (batch.Count > 0)
                {
                    WriteBatch(batch);
                }

                batch.Clear();
            }
        }
#pragma warning disable CA1031 // WriteBatch handles what it expects; should anything else escape, nobody may be left waiting.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var failure = new MailStoreException($"the mail store's writer stopped: {ex.Message}", ex);
            List<MailWriteRequest> left;
            lock (gate)
            {
                closed = true;
                stoppedBy = ex;
                left = [.. queue];
                queue.Clear();
            }

            foreach (var request in batch)
            {
                request.Fail(failure);
            }

            foreach (var request in left)
            {
                if (request.TryClaim())
                {
                    request.Fail(failure);
                }
            }
        }
    }

    /// <summary>Writes the batch; when SQLite abandons a transaction, again without the change that made it do so.</summary>
    private void WriteBatch(List<MailWriteRequest> batch)
    {
        IReadOnlyList<MailWriteRequest> pending = batch;
        var savepoints = false;
        while (pending.Count > 0)
        {
            // After any failure the rest go change by change in savepoints: a batch is rolled back
            // and written again at most once for its failures, however many changes fail.
            (pending, var failed) = TryWriteBatch(pending, savepoints);
            savepoints |= failed;
        }
    }

    /// <summary>
    /// One transaction over <paramref name="batch"/>. Returns the changes to write again in a new
    /// transaction (empty when done): those the transaction held when SQLite abandoned it, or,
    /// without <paramref name="savepoints"/>, every other change when one failed; and whether one failed.
    /// </summary>
    private (IReadOnlyList<MailWriteRequest> Again, bool Failed) TryWriteBatch(IReadOnlyList<MailWriteRequest> batch, bool savepoints)
    {
        var applied = new List<MailWriteRequest>(batch.Count);
        List<MailWriteRequest>? again = null;
        SqliteTransaction? transaction = null;
        try
        {
            transaction = connection.BeginTransaction();
            context.Transaction = transaction;
            for (var i = 0; i < batch.Count && again is null; i++)
            {
                var request = batch[i];
                if (savepoints)
                {
                    context.Execute(Savepoint);
                }

                try
                {
                    request.Apply(context);
                    if (savepoints)
                    {
                        context.Execute(ReleaseSavepoint);
                    }

                    applied.Add(request);
                }
#pragma warning disable CA1031 // One change's failure (a duplicate user, a constraint) is reported to its caller alone.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    request.Fail(ex is MailStoreException ? ex : new MailStoreException($"the mail store could not write: {ex.Message}", ex));
                    if (!savepoints || TransactionAbandoned())
                    {
                        // Without a savepoint of its own (or with SQLite having rolled back it and
                        // everything) its half-made writes can only go with the whole transaction:
                        // the others are not lost, only not written yet.
                        again = [.. applied, .. batch.Skip(i + 1)];
                    }
                    else
                    {
                        context.Execute(RollbackSavepoint);
                        context.Execute(ReleaseSavepoint);
                    }
                }
            }

            if (again is null)
            {
                options.BeforeCommit?.Invoke();
                transaction.Commit();
            }
        }
#pragma warning disable CA1031 // The batch failed as a whole: every caller in it must hear so, and the writer goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var failure = new MailStoreException($"the mail store could not commit: {ex.Message}", ex);
            foreach (var request in batch)
            {
                request.Fail(failure); // a request that already failed on its own keeps its own error
            }

            return ([], false);
        }
        finally
        {
            context.Transaction = null;
            DisposeQuietly(transaction); // rolls back what did not commit
        }

        if (again is not null)
        {
            return (again, true);
        }

        List<MailWriteRequest>? quick = null;
        foreach (var request in applied)
        {
            if (request.ShortContinuation)
            {
                (quick ??= []).Add(request);
            }
            else
            {
                request.Complete();
            }
        }

        if (quick is not null)
        {
            replies.Post(quick);
        }

        return ([], false);
    }

    /// <summary>Ends the transaction (rolling back what did not commit); its callers have already heard how it went.</summary>
    private static void DisposeQuietly(SqliteTransaction? transaction)
    {
        try
        {
            transaction?.Dispose();
        }
        catch (SqliteException)
        {
            // The rollback of a transaction SQLite already ended: nothing is left to undo.
        }
    }

    /// <summary>True when SQLite rolled the whole transaction back by itself (the connection is in autocommit again).</summary>
    private bool TransactionAbandoned() => SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            closed = true;
            Monitor.Pulse(gate);
        }

        await stopped.Task.ConfigureAwait(false);
        replies.Close();
        context.Dispose();
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
