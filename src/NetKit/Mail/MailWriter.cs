using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>
/// The store's one writer and its group commit. Callers queue changes; a background task takes
/// every change waiting, applies them in ONE transaction (each in its own savepoint, so one bad
/// change fails alone) and commits, which is the one fsync they share; only then does it complete
/// their tasks. If the commit fails, every change of the batch fails: nothing is reported stored
/// that is not.
/// </summary>
internal sealed class MailWriter : IAsyncDisposable
{
    private const string Savepoint = "change";

    private readonly Channel<MailWriteRequest> queue = Channel.CreateUnbounded<MailWriteRequest>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly SqliteConnection connection;
    private readonly MailWriteContext context;
    private readonly MailStoreOptions options;
    private readonly Task loop;

    public MailWriter(SqliteConnection connection, MailStoreOptions options)
    {
        this.connection = connection;
        this.options = options;
        context = new MailWriteContext(connection);
        loop = Task.Run(RunAsync);
    }

    public Task<T> EnqueueAsync<T>(Func<MailWriteContext, T> apply, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new MailWriteRequest<T>(apply, cancellationToken);
        if (!queue.Writer.TryWrite(request))
        {
            throw new MailStoreException("the mail store is closed");
        }

        return request.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<MailWriteRequest>();
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < options.MaxBatchSize && reader.TryRead(out var request))
                {
                    if (request.CancellationToken.IsCancellationRequested)
                    {
                        request.Cancel();
                    }
                    else
                    {
                        batch.Add(request);
                    }
                }

                if (batch.Count > 0)
                {
                    WriteBatch(batch);
                    batch.Clear();
                }
            }
        }
#pragma warning disable CA1031 // WriteBatch handles what it expects; should anything else escape, nobody may be left waiting.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            queue.Writer.TryComplete(ex);
            var failure = new MailStoreException($"the mail store's writer stopped: {ex.Message}", ex);
            foreach (var request in batch)
            {
                request.Fail(failure);
            }

            while (reader.TryRead(out var request))
            {
                request.Fail(failure);
            }
        }
    }

    private void WriteBatch(List<MailWriteRequest> batch)
    {
        var applied = new List<MailWriteRequest>(batch.Count);
        try
        {
            using var transaction = connection.BeginTransaction();
            context.Transaction = transaction;
            foreach (var request in batch)
            {
                transaction.Save(Savepoint);
                try
                {
                    request.Apply(context);
                    transaction.Release(Savepoint);
                    applied.Add(request);
                }
#pragma warning disable CA1031 // One change's failure (a duplicate user, a constraint) is reported to its caller alone.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    transaction.Rollback(Savepoint);
                    transaction.Release(Savepoint);
                    request.Fail(ex is MailStoreException ? ex : new MailStoreException($"the mail store could not write: {ex.Message}", ex));
                }
            }

            options.BeforeCommit?.Invoke();
            transaction.Commit();
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

            return;
        }
        finally
        {
            context.Transaction = null;
        }

        foreach (var request in applied)
        {
            request.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        context.Dispose();
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
