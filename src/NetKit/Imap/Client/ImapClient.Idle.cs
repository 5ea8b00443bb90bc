using System.Runtime.CompilerServices;
using NetKit.Transport;

namespace NetKit.Imap.Client;

// IDLE (RFC 2177): the selected mailbox's changes as they happen, as an async stream or through a callback.
public sealed partial class ImapClient
{
    /// <summary>
    /// IDLE until <paramref name="stop"/> is cancelled: every change is given to
    /// <paramref name="onEvent"/> as it comes. Then DONE, and the command's end.
    /// <paramref name="cancellationToken"/> gives up without waiting for the server.
    /// </summary>
    public async Task IdleAsync(Action<ImapMailboxEvent> onEvent, CancellationToken stop, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        await foreach (var e in IdleCoreAsync(stop, cancellationToken))
        {
            onEvent(e);
        }
    }

    /// <summary>
    /// IDLE as an async stream: each EXISTS, EXPUNGE, RECENT and FETCH the server sends while idling.
    /// The stream ends, after DONE and the server's OK, when the consumer stops reading (leaves its
    /// <c>await foreach</c>) or when <paramref name="cancellationToken"/> is cancelled; it throws
    /// only when the server refuses IDLE or the connection fails. The IDLE is renewed every
    /// <see cref="ImapClientOptions.IdleRenewal"/>, unseen by the consumer.
    /// </summary>
    public IAsyncEnumerable<ImapMailboxEvent> IdleAsync(CancellationToken cancellationToken = default) =>
        IdleCoreAsync(cancellationToken, CancellationToken.None);

    /// <summary><paramref name="stop"/> ends the IDLE cleanly; <paramref name="abort"/> gives up at once.</summary>
    private async IAsyncEnumerable<ImapMailboxEvent> IdleCoreAsync(CancellationToken stop, [EnumeratorCancellation] CancellationToken abort)
    {
        if (connection is null)
        {
            throw new InvalidOperationException("The client is not connected.");
        }

        await gate.WaitAsync(abort);
        using var idle = new IdleRound(this, stop, abort);
        try
        {
            while (true)
            {
                await idle.BeginAsync();
                while (await idle.NextAsync() is { } e)
                {
                    yield return e;
                }

                if (idle.Stopped)
                {
                    yield break;
                }
            }
        }
        finally
        {
            try
            {
                // The consumer left the loop in the middle of an IDLE: end it, so the session can go on.
                await idle.EndAsync();
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>One IDLE command after another on one connection: its tag, its read in flight, whether DONE went out.</summary>
    private sealed class IdleRound(ImapClient client, CancellationToken stop, CancellationToken abort) : IDisposable
    {
        /// <summary>Stands in for a wait that does not apply yet (it never completes).</summary>
        private static readonly Task Never = new TaskCompletionSource().Task;

        private readonly Task stopped = Wait(stop);
        private readonly Task aborted = Wait(abort);
        private CancellationTokenSource? renew;
        private Task renewed = Never;
        private string? tag;
        private Task<ImapResponse>? read;
        private bool idling;
        private bool doneSent;

        /// <summary>The caller asked to stop (rather than the renewal timer ending this round).</summary>
        public bool Stopped { get; private set; }

        public async Task BeginAsync()
        {
            tag = client.NextTag();
            idling = false;
            doneSent = false;
            renew?.Dispose();
            renew = new CancellationTokenSource(client.Options.IdleRenewal);
            renewed = Wait(renew.Token);
            await Guard(client.SendLineAsync($"{tag} IDLE", secret: false, abort));
        }

        /// <summary>The next mailbox event of this round; null once its tagged end has come.</summary>
        public async Task<ImapMailboxEvent?> NextAsync()
        {
            while (tag is not null)
            {
                read ??= Guard(client.ReadResponseAsync(CancellationToken.None));
                // Before the server's "+", a stop can only be noted; DONE follows the "+".
                var first = await Task.WhenAny(read, idling && !doneSent ? Task.WhenAny(stopped, renewed) : Never, aborted);
                if (first == aborted)
                {
                    tag = null;
                    await client.DisposeAsync();
                    abort.ThrowIfCancellationRequested();
                }

                if (first != read)
                {
                    Stopped = stopped.IsCompleted;
                    await SendDoneAsync();
                    continue;
                }

                var response = await read;
                read = null;
                if (await HandleAsync(response) is { } e)
                {
                    return e;
                }

                if (idling && !doneSent && stop.IsCancellationRequested)
                {
                    Stopped = true;
                    await SendDoneAsync();
                }
            }

            return null;
        }

        /// <summary>Ends an IDLE the consumer left: DONE, then every response up to the tagged one (within the command timeout).</summary>
        public async Task EndAsync()
        {
            if (tag is null || client.connection is null)
            {
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
            timeout.CancelAfter(client.Options.CommandTimeout);
            var expired = Wait(timeout.Token);
            while (tag is not null)
            {
                read ??= Guard(client.ReadResponseAsync(CancellationToken.None));
                if (idling && !doneSent)
                {
                    await SendDoneAsync();
                }

                if (await Task.WhenAny(read, expired) == expired)
                {
                    tag = null;
                    await client.DisposeAsync();
                    return;
                }

                var response = await read;
                read = null;
                await HandleAsync(response);
            }
        }

        private async Task<ImapMailboxEvent?> HandleAsync(ImapResponse response)
        {
            switch (response.Kind)
            {
                case ImapResponseKind.Continuation when !idling:
                    idling = true;
                    return null;
                case ImapResponseKind.Continuation:
                    throw new ImapProtocolException($"an unexpected continuation during IDLE: + {response.Text}");
                case ImapResponseKind.Untagged when response.IsBye:
                    tag = null;
                    await client.DisposeAsync();
                    throw new ImapProtocolException($"the server closed the session: {response.Text}");
                case ImapResponseKind.Untagged:
                    return client.Notice(response);
                default:
                    if (response.Tag != tag)
                    {
                        throw new ImapProtocolException($"a reply to a command never sent: {response.Tag}");
                    }

                    tag = null;
                    client.NoticeCode(response);
                    return response.Status == ImapStatus.Ok
                        ? null
                        : throw new ImapCommandException($"IDLE failed: {response.Name} {(response.Code is null ? "" : $"[{response.Code}] ")}{response.Text}", response);
            }
        }

        private async Task SendDoneAsync()
        {
            doneSent = true;
            await Guard(client.SendLineAsync("DONE", secret: false, abort));
        }

        /// <summary>A network failure as the client reports it everywhere: the connection closed, a protocol exception.</summary>
        private async Task Guard(Task task)
        {
            try
            {
                await task;
            }
            catch (Exception ex) when (Disconnects.IsDisconnect(ex) || ex is EndOfStreamException)
            {
                tag = null;
                await client.DisposeAsync();
                throw new ImapProtocolException($"the connection broke: {ex.Message}", ex);
            }
        }

        private async Task<ImapResponse> Guard(Task<ImapResponse> task)
        {
            await Guard((Task)task);
            return await task;
        }

        public void Dispose() => renew?.Dispose();

        /// <summary>A task that completes when the token is cancelled (never faults).</summary>
        private static Task Wait(CancellationToken token) => Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
