using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetKit.Mail;

namespace NetKit.Web.Api;

/// <summary>One change the feed reports: a message that arrived (stored and as shown), or ids deleted.</summary>
internal sealed record MailEvent(MessageSummary? Stored, MessageSummaryView? Message, IReadOnlyList<long>? Deleted);

/// <summary>
/// Turns the mail store's change notifications into events for the live views (SSE) and the
/// wait endpoint. The store's handler only queues the change (it runs on the writer's caller);
/// one loop reads the new messages and hands each subscriber its copy, dropping the oldest
/// events for a subscriber that does not keep up rather than holding memory for it.
/// </summary>
internal sealed class MailFeed : IAsyncDisposable
{
    private const int SubscriberBacklog = 1024;

    private readonly MailStore _store;
    private readonly ILogger _logger;
    private readonly Channel<MailboxChangedEventArgs> _changes = Channel.CreateUnbounded<MailboxChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Channel<MailEvent>, byte> _subscribers = new();
    private readonly Task _pump;

    public MailFeed(MailStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _store.MailboxChanged += OnMailboxChanged;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>A reader of every event from now on; dispose it to stop.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<MailEvent>(new BoundedChannelOptions(SubscriberBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers.TryAdd(channel, 0);
        return new Subscription(channel.Reader, () => _subscribers.TryRemove(channel, out _));
    }

    /// <summary>Deletions made through the API (the store's plain delete does not notify).</summary>
    public void PublishDeleted(IReadOnlyList<long> ids)
    {
        if (ids.Count > 0)
        {
            Broadcast(new MailEvent(null, null, ids));
        }
    }

    private void OnMailboxChanged(object? sender, MailboxChangedEventArgs e)
    {
        // Nobody watching (the usual case under load): a delivery costs the web service nothing.
        if (!_subscribers.IsEmpty && (e.Added.Count > 0 || e.Removed.Count > 0))
        {
            _changes.Writer.TryWrite(e);
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var change in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                foreach (var id in change.Added)
                {
                    if (await _store.FindMessageAsync(id).ConfigureAwait(false) is { } stored && await _store.ReadMessageAsync(id).ConfigureAwait(false) is { } raw)
                    {
                        Broadcast(new MailEvent(stored, MessageViews.Summary(stored, MessageViews.Parse(raw)), null));
                    }
                }

                PublishDeleted(change.Removed);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A store closing under us, or a message gone again: the live view misses one event, nothing else.
                _logger.LogWarning(ex, "web: could not report a change in {Account}/{Mailbox}", change.Account, change.Mailbox);
            }
        }
    }

    private void Broadcast(MailEvent mailEvent)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(mailEvent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _store.MailboxChanged -= OnMailboxChanged;
        _changes.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryComplete();
        }
    }

    /// <summary>One subscriber's events.</summary>
    internal sealed class Subscription(ChannelReader<MailEvent> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<MailEvent> Reader { get; } = reader;

        public void Dispose() => unsubscribe();
    }
}
