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

    /// <summary>Test hook: runs inside the writer just before COMMIT; an exception fails the whole batch.</summary>
    internal Action? BeforeCommit { get; init; }
}
