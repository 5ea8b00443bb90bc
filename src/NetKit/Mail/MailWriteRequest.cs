namespace NetKit.Mail;

/// <summary>One change queued for the writer; its task completes only after the transaction holding it commits.</summary>
internal abstract class MailWriteRequest(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public abstract void Apply(MailWriteContext context);

    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

/// <summary>A change that yields a result (the UIDs a delivery got, whether a row was removed ...).</summary>
internal sealed class MailWriteRequest<T>(Func<MailWriteContext, T> apply, CancellationToken cancellationToken)
    : MailWriteRequest(cancellationToken)
{
    // Continuations run elsewhere: the writer must not run a caller's code (an SMTP reply) before its next batch.
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;

    public Task<T> Task => completion.Task;

    public override void Apply(MailWriteContext context) => result = apply(context);

    public override void Complete() => completion.TrySetResult(result!);

    public override void Fail(Exception exception) => completion.TrySetException(exception);

    public override void Cancel() => completion.TrySetCanceled(CancellationToken);
}
