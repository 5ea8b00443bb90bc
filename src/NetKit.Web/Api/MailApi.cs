using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetKit.Mail;

namespace NetKit.Web.Api;

/// <summary>/api/mailboxes and /api/messages: list, search, read, delete.</summary>
internal static class MailApi
{
    private const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("mail");
        api.MapGet("/mailboxes", ListMailboxesAsync);
        api.MapGet("/messages", ListMessagesAsync);
        api.MapGet("/messages/{id:long}", GetMessageAsync);
        api.MapDelete("/messages/{id:long}", DeleteMessageAsync);
        api.MapDelete("/messages", DeleteMessagesAsync);
        MessageContentApi.Map(api);
        WaitApi.Map(api);
    }

    private static async Task<Results<Ok<ListResult<MailboxView>>, ProblemHttpResult>> ListMailboxesAsync(WebState state, CancellationToken ct)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        var mailboxes = await store.ListAllMailboxesAsync(ct);
        return TypedResults.Ok(new ListResult<MailboxView>(mailboxes.Count,
            [.. mailboxes.Select(m => new MailboxView(m.Account, m.Name, m.UidValidity, m.UidNext, m.MessageCount))]));
    }

    private static async Task<Results<Ok<ListResult<MessageSummaryView>>, ProblemHttpResult>> ListMessagesAsync(
        WebState state, string? account, string? mailbox, string? from, string? to, string? subject, string? text, string? q,
        CancellationToken ct, int limit = 50, int offset = 0)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        if (limit is < 1 or > MaxLimit || offset < 0)
        {
            return Problems.BadRequest($"limit must be 1 to {MaxLimit} and offset at least 0");
        }

        var matches = await SearchAsync(store, account, mailbox, new MailQuery(from, to, subject, text, q, null), ct);
        var page = new List<MessageSummaryView>();
        foreach (var message in matches.Skip(offset).Take(limit))
        {
            if (await store.ReadMessageAsync(message.Id, ct) is { } raw)
            {
                page.Add(MessageViews.Summary(message, MessageViews.Parse(raw)));
            }
        }

        return TypedResults.Ok(new ListResult<MessageSummaryView>(matches.Count, page));
    }

    private static async Task<Results<Ok<MessageDetailView>, ProblemHttpResult>> GetMessageAsync(long id, WebState state, CancellationToken ct)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        return await store.FindMessageAsync(id, ct) is { } stored && await store.ReadMessageAsync(id, ct) is { } raw
            ? TypedResults.Ok(MessageViews.Detail(stored, MessageViews.Parse(raw)))
            : NoMessage(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMessageAsync(long id, WebState state, CancellationToken ct)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        if (await store.DeleteMessagesAsync([id], ct) == 0)
        {
            return NoMessage(id);
        }

        state.Feed?.PublishDeleted([id]);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeletedCountView>, ProblemHttpResult>> DeleteMessagesAsync(WebState state, string? account, string? mailbox, CancellationToken ct)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        var ids = (await ListAsync(store, account, mailbox, ct)).Select(m => m.Id).ToArray();
        var deleted = await store.DeleteMessagesAsync(ids, ct);
        state.Feed?.PublishDeleted(ids);
        return TypedResults.Ok(new DeletedCountView(deleted));
    }

    public static ProblemHttpResult NoMessage(long id) => Problems.NotFound($"there is no message {id}");

    /// <summary>The messages that match, newest first.</summary>
    public static async Task<List<MessageSummary>> SearchAsync(MailStore store, string? account, string? mailbox, MailQuery query, CancellationToken ct)
    {
        var matches = new List<MessageSummary>();
        foreach (var message in await ListAsync(store, account, mailbox, ct))
        {
            if (await query.MatchesAsync(message, () => TextAsync(store, message.Id, ct)))
            {
                matches.Add(message);
            }
        }

        return matches;
    }

    public static async ValueTask<string> TextAsync(MailStore store, long id, CancellationToken ct) =>
        await store.ReadMessageAsync(id, ct) is { } raw ? MessageViews.Text(MessageViews.Parse(raw)) : "";

    /// <summary>Every message, of an account, or of one mailbox, newest first.</summary>
    private static async Task<IEnumerable<MessageSummary>> ListAsync(MailStore store, string? account, string? mailbox, CancellationToken ct)
    {
        IEnumerable<MessageSummary> all;
        try
        {
            all = string.IsNullOrEmpty(account)
                ? await store.ListMessagesAsync(null, ct)
                : string.IsNullOrEmpty(mailbox)
                    ? await store.ListMessagesAsync(account, ct)
                    : await store.ListMessagesAsync(account, mailbox, ct);
        }
        catch (MailStoreException) when (account is not null)
        {
            return []; // The store refuses a name no account can have: nothing matches it.
        }

        if (string.IsNullOrEmpty(account) && !string.IsNullOrEmpty(mailbox))
        {
            all = all.Where(m => string.Equals(m.Mailbox, mailbox, StringComparison.OrdinalIgnoreCase));
        }

        return all.OrderByDescending(m => m.InternalDate).ThenByDescending(m => m.Id);
    }
}
