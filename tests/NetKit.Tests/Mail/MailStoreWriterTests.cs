using NetKit.Mail;

namespace NetKit.Tests.Mail;

// The group-committing writer: concurrent callers, one transaction per batch, failures never reported as success.
public class MailStoreWriterTests
{
    [Fact]
    public async Task DeliverAsync_200From20Tasks_allPresentWithDistinctUids()
    {
        await using var temp = TempMailStore.Create();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(caller => Task.Run(async () =>
        {
            var stored = new List<StoredMessage>();
            for (var i = 0; i < 10; i++)
            {
                stored.AddRange(await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"c{caller} m{i}"), "bob")));
            }

            return stored;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), all.Select(s => s.Uid).Order());
        Assert.Equal(200, all.Select(s => s.Id).Distinct().Count());
        var listed = await temp.Store.ListMessagesAsync("bob");
        Assert.Equal(200, listed.Count);
        Assert.Equal(200, listed.Select(m => m.Subject).Distinct().Count());
    }

    [Fact]
    public async Task DeliverAsync_afterABatchOfFour_fourArrivingOneByOneShareOneCommit()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit, CommitLinger = TimeSpan.FromSeconds(1) });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;
        var four = Enumerable.Range(0, 4).Select(i => temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"batch {i}"), "bob"))).ToList();
        writer.Release();
        await first;
        await Task.WhenAll(four);
        Assert.Equal(2, writer.Commits);

        // Writers arrive side by side (the last batch held four): the writer, woken by the first of
        // the next four, waits for the others instead of committing it alone.
        var next = Enumerable.Range(0, 4).Select(i => temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"next {i}"), "bob"))).ToList();
        await Task.WhenAll(next);

        Assert.Equal(3, writer.Commits);
        Assert.Equal(9, (await temp.Store.ListMessagesAsync()).Count);
    }

    [Fact]
    public async Task DeliverAsync_commitOfBatchFails_everyDeliveryInItFailsAndNoneIsStored()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;

        // Queued while the writer is busy: they all land in the next batch, whose commit fails.
        var doomed = Enumerable.Range(0, 10).Select(i => temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"doomed {i}"), "bob"))).ToList();
        writer.FailNextCommit = true;
        writer.Release();

        Assert.Single(await first);
        foreach (var delivery in doomed)
        {
            var error = await Assert.ThrowsAsync<MailStoreException>(() => delivery);
            Assert.Contains("commit", error.Message, StringComparison.Ordinal);
        }

        var after = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("after"), "bob")));
        Assert.Equal(["first", "after"], (await temp.Store.ListMessagesAsync()).Select(m => m.Subject));
        Assert.Equal(2, after.Uid); // the failed batch's UIDs were rolled back with it, never shown to anyone
    }

    [Fact]
    public async Task DeliverAsync_oneBadChangeInBatch_failsAloneAndTheOthersCommit()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit });
        using (var connection = temp.OpenRaw())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.subject = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;";
            command.ExecuteNonQuery();
        }

        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;
        var good1 = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("good 1"), "bob"));
        var bad = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("poison"), "bob"));
        var good2 = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("good 2"), "bob"));
        writer.Release();

        await first;
        Assert.Equal(2, Assert.Single(await good1).Uid);
        var error = await Assert.ThrowsAsync<MailStoreException>(() => bad);
        Assert.Contains("poisoned", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(await good2).Uid);
        Assert.Equal(["first", "good 1", "good 2"], (await temp.Store.ListMessagesAsync()).Select(m => m.Subject));
    }

    [Fact]
    public async Task ListMessagesAsync_whileWriterHoldsItsTransaction_readsTheLastCommittedState()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("uncommitted"), "bob"));
        await writer.Entered.Task;

        // Reads have connections of their own: they neither wait for the writer nor see what it has not committed.
        Assert.Empty(await temp.Store.ListMessagesAsync());
        Assert.Null(await temp.Store.FindUserAsync("bob"));
        writer.Release();

        await first;
        Assert.Single(await temp.Store.ListMessagesAsync());
    }

    [Fact]
    public async Task DeliverAsync_cancelledWhileQueued_cancelledAndNotStored()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;
        using var cancel = new CancellationTokenSource();
        var cancelled = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("cancelled"), "bob"), cancel.Token);

        await cancel.CancelAsync();
        writer.Release();

        await first;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(["first"], (await temp.Store.ListMessagesAsync()).Select(m => m.Subject));
    }

    [Fact]
    public async Task DeliverAsync_cancelledWhileTheWriterIsBusy_callerReleasedBeforeTheWriterIsFree()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;
        using var cancel = new CancellationTokenSource();
        var cancelled = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("cancelled"), "bob"), cancel.Token);

        await cancel.CancelAsync();

        // The writer is still held: the caller must hear of its cancellation without waiting for it.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5)));
        writer.Release();
        await first;
        Assert.Equal(["first"], (await temp.Store.ListMessagesAsync()).Select(m => m.Subject));
    }

    [Fact]
    public async Task DeliverAsync_changeMakesSqliteAbandonTheTransaction_failsWithItsOwnErrorAndTheOthersCommit()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;

        var before = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("before"), "bob"));
        var bad = temp.Store.WriteAsync<int>(context =>
        {
            // What SQLite does on SQLITE_FULL or SQLITE_IOERR: it rolls the whole transaction back.
            context.Command("ROLLBACK;").ExecuteNonQuery();
            throw new IOException("database or disk is full (injected)");
        });
        var after = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("after"), "bob"));
        writer.Release();

        await first;
        var error = await Assert.ThrowsAsync<MailStoreException>(() => bad);
        Assert.Contains("disk is full (injected)", error.Message, StringComparison.Ordinal);
        await before;
        await after;
        await temp.ReopenAsync();
        Assert.Equal(["first", "before", "after"], (await temp.Store.ListMessagesAsync()).Select(m => m.Subject));
        Assert.Equal(1L, (await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("later"), "carol")))[0].Uid);
    }

    [Fact]
    public async Task DeliverAsync_queuedMessagesOverTheByteLimit_committedInSeveralBatches()
    {
        using var writer = new BlockedWriter();
        await using var temp = TempMailStore.Create(new MailStoreOptions { BeforeCommit = writer.BeforeCommit, MaxBatchBytes = 1000 });
        var first = temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("first"), "bob"));
        await writer.Entered.Task;

        var queued = Enumerable.Range(0, 3)
            .Select(i => temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"m{i}", new string('x', 600)), "bob")))
            .Append(temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("big", new string('x', 5000)), "bob")))
            .ToList();
        writer.Release();
        await first;
        await Task.WhenAll(queued);

        Assert.Equal(5, writer.Commits); // the first, then one per message: each one alone exceeds half the limit
        Assert.Equal(5, (await temp.Store.ListMessagesAsync()).Count);
    }

    [Fact]
    public async Task DeliverAsync_afterDispose_throwsMailStoreException()
    {
        var temp = TempMailStore.Create();
        var store = temp.Store;
        await temp.DisposeAsync();

        await Assert.ThrowsAsync<MailStoreException>(() => store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("late"), "bob")));
    }

    /// <summary>
    /// Holds the writer inside its first commit until released, so the test can queue several
    /// changes that then form one batch; can fail the next commit.
    /// </summary>
    private sealed class BlockedWriter : IDisposable
    {
        private readonly ManualResetEventSlim gate = new();
        private int commits;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool FailNextCommit;

        public void BeforeCommit()
        {
            if (Interlocked.Increment(ref commits) == 1)
            {
                Entered.SetResult();
                Assert.True(gate.Wait(TimeSpan.FromSeconds(30)), "the test never released the writer");
                return;
            }

            if (FailNextCommit)
            {
                FailNextCommit = false;
                throw new IOException("disk I/O error (injected)");
            }
        }

        public int Commits => Volatile.Read(ref commits);

        public void Release() => gate.Set();

        public void Dispose() => gate.Dispose();
    }
}
