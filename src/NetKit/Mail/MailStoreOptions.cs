namespace NetKit.Mail;

/// <summary>How the mail store uses SQLite.</summary>
public sealed class MailStoreOptions
{
    /// <summary>How long a statement waits for a lock held by another connection or process before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most writes one transaction (one fsync) takes; the rest wait for the next.</summary>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>
    /// The most bytes (message sizes) one transaction takes, so one commit and the WAL stay bounded;
    /// a single bigger message is a batch of its own.
    /// </summary>
    public long MaxBatchBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// How long the writer may wait for more changes before it commits, when changes have been
    /// arriving side by side (see <see cref="CommitLingerCount"/>); zero never waits. A change's
    /// caller hears of its commit that much later at most; a writer arriving alone, after a pause
    /// longer than this, never waits.
    /// </summary>
    public TimeSpan CommitLinger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The most changes the writer waits for (<see cref="CommitLinger"/>): never more than the last
    /// batch held, so a few steady writers are not kept waiting for others who are not there; 1 never waits.
    /// </summary>
    public int CommitLingerCount { get; init; } = 8;

    /// <summary>Test hook: runs inside the writer just before COMMIT; an exception fails the whole batch.</summary>
    internal Action? BeforeCommit { get; init; }
}
