using System.Collections.Concurrent;
using NetKit.Sasl;

namespace NetKit.Pop3.Server;

/// <summary>
/// Users and maildrops in memory: for tests, and for embedding a POP3 server in a
/// test of one's own code. Message ids count up and are never reused, so UIDs stay
/// stable. A user added with <c>apopSecret</c> can use APOP (this source keeps that
/// secret in plaintext, as APOP needs).
/// </summary>
public sealed class InMemoryPop3Maildrops : IPop3MaildropSource
{
    private readonly ConcurrentDictionary<string, User> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Pop3MaildropLocks _locks = new();
    private long _nextId;

    public bool SupportsApop => true;

    /// <summary>
    /// Adds a user. The SCRAM credential uses 1,024 PBKDF2 rounds (the store uses 4,096):
    /// this source is for tests, where every login costs test time, and it holds nothing worth guessing.
    /// </summary>
    public void AddUser(string name, string password, string? apopSecret = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_users.TryAdd(name, new User(name, ScramCredential.Create(password, iterations: 1024), apopSecret)))
        {
            throw new ArgumentException($"user \"{name}\" exists", nameof(name));
        }
    }

    /// <summary>Adds a message to the user's maildrop; returns its unique id.</summary>
    public string AddMessage(string userName, ReadOnlyMemory<byte> message)
    {
        var user = Get(userName);
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (user.Messages)
        {
            user.Messages.Add((id, message.ToArray()));
        }

        return id;
    }

    /// <summary>The messages the user's maildrop holds now.</summary>
    public IReadOnlyList<byte[]> MessagesOf(string userName)
    {
        var user = Get(userName);
        lock (user.Messages)
        {
            return [.. user.Messages.Select(m => m.Bytes)];
        }
    }

    public bool IsLocked(string userName) => _locks.IsHeld(Get(userName).Name);

    public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.TryGetValue(userName, out var user) ? user.Credential : null);

    public ValueTask<string?> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.TryGetValue(userName, out var user) && user.Credential.Verify(password) ? user.Name : null);

    public ValueTask<(string UserName, string Secret)?> FindApopSecretAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.TryGetValue(userName, out var user) && user.ApopSecret is { } secret ? (user.Name, secret) : ((string, string)?)null);

    public ValueTask<IPop3Maildrop?> TryOpenAsync(string userName, CancellationToken cancellationToken)
    {
        var user = Get(userName);
        var held = _locks.TryTake(user.Name);
        if (held is null)
        {
            return ValueTask.FromResult<IPop3Maildrop?>(null);
        }

        lock (user.Messages)
        {
            return ValueTask.FromResult<IPop3Maildrop?>(new Maildrop(user, [.. user.Messages], held));
        }
    }

    private User Get(string userName) =>
        _users.TryGetValue(userName, out var user) ? user : throw new ArgumentException($"no user \"{userName}\"", nameof(userName));

    private sealed record User(string Name, ScramCredential Credential, string? ApopSecret)
    {
        public List<(string Id, byte[] Bytes)> Messages { get; } = [];
    }

    private sealed class Maildrop(User user, List<(string Id, byte[] Bytes)> snapshot, IDisposable held) : IPop3Maildrop
    {
        public IReadOnlyList<Pop3MessageInfo> Messages { get; } =
            [.. snapshot.Select(m => new Pop3MessageInfo(Pop3MessageText.WireSize(m.Bytes), m.Id))];

        public ValueTask<ReadOnlyMemory<byte>> ReadAsync(int index, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ReadOnlyMemory<byte>>(snapshot[index].Bytes);

        public Task DeleteAsync(IReadOnlyCollection<int> indexes, CancellationToken cancellationToken)
        {
            var ids = indexes.Select(i => snapshot[i].Id).ToHashSet(StringComparer.Ordinal);
            lock (user.Messages)
            {
                user.Messages.RemoveAll(m => ids.Contains(m.Id));
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            held.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
