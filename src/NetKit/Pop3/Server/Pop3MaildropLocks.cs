using System.Collections.Concurrent;

namespace NetKit.Pop3.Server;

/// <summary>
/// Which maildrops are open, so that a second session on one gets [IN-USE]
/// (RFC 1939 section 8: the server must lock the maildrop). One table per
/// maildrop source, shared by every listener serving it.
/// </summary>
public sealed class Pop3MaildropLocks
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <summary>Takes the lock on <paramref name="maildrop"/>; null when it is held. Dispose the result to release it.</summary>
    public IDisposable? TryTake(string maildrop)
    {
        ArgumentNullException.ThrowIfNull(maildrop);
        return _held.TryAdd(maildrop, 0) ? new Held(this, maildrop) : null;
    }

    public bool IsHeld(string maildrop) => _held.ContainsKey(maildrop);

    private sealed class Held(Pop3MaildropLocks locks, string maildrop) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                locks._held.TryRemove(maildrop, out _);
            }
        }
    }
}
