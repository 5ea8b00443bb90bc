using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using NetKit.Mail;
using NetKit.Sasl;

namespace NetKit.Pop3.Server;

/// <summary>
/// The mail store as POP3 maildrops: a user's maildrop is the INBOX of their account.
/// UIDL is "UIDVALIDITY.UID", the same in every session and after restarts (the store
/// never gives a UID twice). Deletions at QUIT go to the store in one transaction.
/// The store keeps only SCRAM credentials, so there is no APOP. Every instance over
/// one <see cref="MailStore"/> shares its locks, so two listeners (plain and TLS, or
/// IPv4 and IPv6) never open one maildrop twice.
/// </summary>
public sealed class MailStoreMaildrops(MailStore store) : IPop3MaildropSource
{
    private static readonly ConditionalWeakTable<MailStore, Shared> PerStore = [];
    private readonly Pop3MaildropLocks _locks = PerStore.GetValue(store, _ => new Shared()).Locks;

    // A stored content never changes and its id is never reused, so its size on the
    // wire (CRLF line endings throughout) is worked out once per process.
    private readonly ConcurrentDictionary<long, long> _wireSizes = PerStore.GetValue(store, _ => new Shared()).WireSizes;

    public bool SupportsApop => false;

    public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
        store.FindAsync(userName, cancellationToken);

    public async ValueTask<string?> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken) =>
        (await store.VerifyPasswordAsync(userName, password, cancellationToken))?.Name;

    public ValueTask<(string UserName, string Secret)?> FindApopSecretAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult<(string, string)?>(null);

    public async ValueTask<IPop3Maildrop?> TryOpenAsync(string userName, CancellationToken cancellationToken)
    {
        var account = (await store.FindUserAsync(userName, cancellationToken))?.Name ?? userName.ToLowerInvariant();
        var held = _locks.TryTake(account);
        if (held is null)
        {
            return null;
        }

        try
        {
            var mailbox = await store.GetMailboxAsync(account, MailStore.Inbox, cancellationToken);
            var summaries = mailbox is null ? [] : await store.ListMessagesAsync(account, MailStore.Inbox, cancellationToken);
            var messages = new List<Pop3MessageInfo>(summaries.Count);
            foreach (var summary in summaries)
            {
                var size = await WireSizeAsync(summary, cancellationToken);
                messages.Add(new Pop3MessageInfo(size, string.Create(CultureInfo.InvariantCulture, $"{mailbox!.UidValidity}.{summary.Uid}")));
            }

            return new Maildrop(store, account, [.. summaries.Select(s => s.Id)], messages, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private async ValueTask<long> WireSizeAsync(MessageSummary summary, CancellationToken cancellationToken)
    {
        if (_wireSizes.TryGetValue(summary.ContentId, out var size))
        {
            return size;
        }

        var bytes = await store.ReadMessageAsync(summary.Id, cancellationToken)
            ?? throw new MailStoreException($"message {summary.Id} was removed while the maildrop was opened");
        size = Pop3MessageText.WireSize(bytes);
        _wireSizes[summary.ContentId] = size;
        return size;
    }

    private sealed class Shared
    {
        public Pop3MaildropLocks Locks { get; } = new();

        public ConcurrentDictionary<long, long> WireSizes { get; } = new();
    }

    private sealed class Maildrop(MailStore store, string account, long[] ids, IReadOnlyList<Pop3MessageInfo> messages, IDisposable held) : IPop3Maildrop
    {
        public IReadOnlyList<Pop3MessageInfo> Messages => messages;

        public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(int index, CancellationToken cancellationToken) =>
            await store.ReadMessageAsync(ids[index], cancellationToken)
            ?? throw new MailStoreException($"message {ids[index]} was removed by someone else");

        // An expunge, not a bare delete: IMAP sessions and the web console's live list hear of it.
        public Task DeleteAsync(IReadOnlyCollection<int> indexes, CancellationToken cancellationToken) =>
            store.ExpungeAsync(account, MailStore.Inbox, indexes.Select(i => ids[i]), cancellationToken);

        public ValueTask DisposeAsync()
        {
            held.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
