namespace NetKit.Http;

/// <summary>
/// A timeout that restarts on every sign of life: a slow but moving transfer
/// runs as long as it needs, a stalled one fails after the limit.
/// </summary>
public sealed class IdleTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _outer;
    private readonly TimeSpan _limit;

    public IdleTimeout(TimeSpan limit, CancellationToken outer)
    {
        _limit = limit;
        _outer = outer;
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        Restart();
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Data arrived: the limit counts again from now.</summary>
    public void Restart()
    {
        if (_limit != Timeout.InfiniteTimeSpan)
        {
            _source.CancelAfter(_limit);
        }
    }

    /// <summary>True when a cancellation came from this timeout, not from the caller.</summary>
    public bool Expired(OperationCanceledException _) => _source.IsCancellationRequested && !_outer.IsCancellationRequested;

    public TimeoutException Failure(string waitingFor) =>
        new($"timed out: no {waitingFor} from the server for {_limit.TotalSeconds:0.###} s");

    public void Dispose() => _source.Dispose();
}
