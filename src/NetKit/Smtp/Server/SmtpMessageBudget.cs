namespace NetKit.Smtp.Server;

/// <summary>
/// The server-wide allowance for message bytes held in memory
/// (<see cref="SmtpServerOptions.MaxBufferedMessageBytes"/>): each connection
/// takes what its buffer grows by and gives it all back when the transaction ends,
/// so many slow clients cannot together hold more than the budget.
/// </summary>
internal sealed class SmtpMessageBudget(long total)
{
    private long _used;

    public long Total { get; } = total;

    public long Used => Interlocked.Read(ref _used);

    public long Available => Total - Used;

    /// <summary>Takes <paramref name="bytes"/> if that much is left; false (nothing taken) if not.</summary>
    public bool TryTake(long bytes)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used + bytes > Total)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used)
            {
                return true;
            }
        }
    }

    public void Give(long bytes) => Interlocked.Add(ref _used, -bytes);
}
