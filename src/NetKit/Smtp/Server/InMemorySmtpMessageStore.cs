namespace NetKit.Smtp.Server;

/// <summary>
/// Keeps received messages in memory, for tests and for programs that embed
/// the server (GreenMail's "received messages"): read <see cref="Messages"/>, or
/// wait for a number of them with <see cref="WaitForMessagesAsync"/>.
/// </summary>
public sealed class InMemorySmtpMessageStore : ISmtpMessageStore
{
    private readonly object _gate = new();
    private readonly List<SmtpReceivedMessage> _messages = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly HashSet<string>? _users;

    /// <param name="users">The local users; null: every name on a local domain is a user (its account is the name in lower case).</param>
    public InMemorySmtpMessageStore(IEnumerable<string>? users = null)
    {
        _users = users is null ? null : new HashSet<string>(users, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The messages received so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<SmtpReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public ValueTask<string?> FindLocalAccountAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var known = _users is null || _users.Contains(userName);
        return ValueTask.FromResult(known ? userName.ToLowerInvariant() : null);
    }

    public ValueTask<string?> DeliverAsync(SmtpReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        int id;
        lock (_gate)
        {
            _messages.Add(message);
            id = _messages.Count;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_messages.Count >= _waiters[i].Count)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return ValueTask.FromResult<string?>(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived; <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<SmtpReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_messages.Count >= count)
            {
                return [.. _messages];
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        try
        {
            await signal.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
                throw new TimeoutException($"{_messages.Count} of {count} messages arrived within {timeout.TotalSeconds:0.#} s");
            }
        }

        return Messages;
    }

    /// <summary>Forgets every message.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
        }
    }
}
