namespace NetKit.Mail;

/// <summary>
/// One change queued for the writer; its task completes only after the transaction holding it commits.
/// Its state moves once: Pending to Claimed (the writer took it: it will be written, and the caller's
/// cancellation no longer matters, so the caller's buffer is never read after the caller gave up) or
/// Pending to Cancelled (the caller's token fired first: the caller is released at once and the
/// writer skips the change).
/// </summary>
internal abstract class MailWriteRequest(long bytes)
{
    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Cancelled = 2;

    private int state;
    private CancellationTokenRegistration registration;

    /// <summary>About how many bytes the change writes (a message's size; 0 for small changes): batches are capped by it.</summary>
    public long Bytes { get; } = bytes;

    /// <summary>Cancels the change when <paramref name="cancellationToken"/> fires while it is still pending.</summary>
    public void Watch(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.Register(static (self, token) => ((MailWriteRequest)self!).TryCancel(token), this);
        }
    }

    /// <summary>The writer takes the change; false when the caller cancelled it first.</summary>
    public bool TryClaim()
    {
        var claimed = Interlocked.CompareExchange(ref state, Claimed, Pending) == Pending;
        registration.Unregister();
        return claimed;
    }

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref state, Cancelled, Pending) == Pending)
        {
            Cancel(token);
        }
    }

    /// <summary>Completed on the writer's reply thread, which runs the caller's continuation (see <see cref="MailWriter.EnqueueAsync{T}"/>).</summary>
    public virtual bool ShortContinuation => false;

    public abstract void Apply(MailWriteContext context);

    public abstract void Complete();

    public abstract void Fail(Exception exception);

    protected abstract void Cancel(CancellationToken token);
}

/// <summary>A change that yields a result (the UIDs a delivery got, whether a row was removed ...).</summary>
/// <param name="shortContinuation">
/// Success resumes the caller on the thread that calls <see cref="Complete"/>, the writer's reply
/// thread (see <see cref="MailWriter.EnqueueAsync{T}"/>); otherwise, and always for a failure or a
/// cancellation, the caller resumes on the thread pool: the writer never runs a caller's code in
/// the middle of a batch, and a cancelling thread never runs it inside Cancel.
/// </param>
internal sealed class MailWriteRequest<T>(Func<MailWriteContext, T> apply, long bytes, bool shortContinuation) : MailWriteRequest(bytes)
{
    private readonly TaskCompletionSource<T> completion = new(shortContinuation ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;
    private int finished;

    public Task<T> Task => completion.Task;

    public override bool ShortContinuation => shortContinuation;

    public override void Apply(MailWriteContext context) => result = apply(context);

    public override void Complete() => completion.TrySetResult(result!);

    // The first failure wins (a change that failed on its own keeps its error when its batch fails too).
    public override void Fail(Exception exception) => Finish(static (completion, exception) => completion.TrySetException(exception), exception);

    protected override void Cancel(CancellationToken token) =>
        Finish(static (completion, token) => completion.TrySetCanceled(token), token);

    private void Finish<TState>(Action<TaskCompletionSource<T>, TState> finish, TState state)
    {
        if (!shortContinuation)
        {
            finish(completion, state);
        }
        else if (Interlocked.Exchange(ref finished, 1) == 0)
        {
            ThreadPool.QueueUserWorkItem(static work => work.finish(work.completion, work.state), (finish, completion, state), preferLocal: false);
        }
    }
}
