namespace NetKit.Mail;

/// <summary>
/// The thread on which the writer's callers with a short continuation (an SMTP session sending its
/// 250 and waiting for the next command) resume after their commit. The writer hands it each
/// batch's completed changes in one go and goes on with the next batch at once; this thread runs
/// their continuations one after another. The thread pool would cost a hand-off, a wake-up and a
/// worker's spinning per change, and running them on the writer itself would hold up its next batch.
/// </summary>
internal sealed class MailWriterReplies
{
    private readonly object gate = new();
    private List<MailWriteRequest> waiting = [];
    private Thread? thread; // started on first use: a store that never gets such a change has none
    private bool sleeping;
    private bool closed;

    /// <summary>Completes <paramref name="requests"/> on this thread (their continuations run there).</summary>
    public void Post(List<MailWriteRequest> requests)
    {
        lock (gate)
        {
            waiting.AddRange(requests);
            if (thread is null)
            {
                thread = new Thread(Run) { IsBackground = true, Name = "netkit mail replies" };
                thread.Start();
            }
            else if (sleeping)
            {
                sleeping = false;
                Monitor.Pulse(gate);
            }
        }
    }

    /// <summary>Lets the thread finish what was posted and end.</summary>
    public void Close()
    {
        lock (gate)
        {
            closed = true;
            Monitor.Pulse(gate);
        }
    }

    private void Run()
    {
        var running = new List<MailWriteRequest>();
        while (true)
        {
            lock (gate)
            {
                while (waiting.Count == 0)
                {
                    if (closed)
                    {
                        return;
                    }

                    sleeping = true;
                    Monitor.Wait(gate);
                }

                (running, waiting) = (waiting, running);
            }

            foreach (var request in running)
            {
                request.Complete();
            }

            running.Clear();
        }
    }
}
