using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace NetKit.Web.Api;

/// <summary>
/// GET /api/messages/wait: for test suites, "block until a mail to bob@ with subject X arrives,
/// up to N seconds". Answers with the newest match already stored, else the first that arrives.
/// </summary>
internal static class WaitApi
{
    private const int MaxTimeoutSeconds = 300;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/messages/wait", WaitAsync).ProducesProblem(StatusCodes.Status408RequestTimeout);

    private static async Task<Results<Ok<MessageSummaryView>, ProblemHttpResult>> WaitAsync(
        WebState state, string? from, string? to, string? subject, string? text, DateTimeOffset? since, CancellationToken ct, double timeout = 30)
    {
        if (state.Mail is not { } store || state.Feed is not { } feed)
        {
            return Problems.Unavailable("mail store");
        }

        if (!(timeout >= 0 && timeout <= MaxTimeoutSeconds))
        {
            return Problems.BadRequest($"timeout must be 0 to {MaxTimeoutSeconds} seconds");
        }

        var query = new MailQuery(from, to, subject, text, null, since);
        // Subscribe first, then look at what is stored: a message arriving in between is seen by one or the other.
        using var subscription = feed.Subscribe();
        var stored = await MailApi.SearchAsync(store, null, null, query, ct);
        if (stored.Count > 0 && await store.ReadMessageAsync(stored[0].Id, ct) is { } raw)
        {
            return TypedResults.Ok(MessageViews.Summary(stored[0], MessageViews.Parse(raw)));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            await foreach (var change in subscription.Reader.ReadAllAsync(deadline.Token))
            {
                if (change is { Stored: { } message, Message: { } view }
                    && await query.MatchesAsync(message, () => MailApi.TextAsync(store, message.Id, ct)))
                {
                    return TypedResults.Ok(view);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The deadline passed.
        }

        return Problems.Timeout($"no message matched within {timeout} seconds");
    }
}
