using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NetKit.Web.Api;

/// <summary>
/// GET /api/events: server-sent events for live views. <c>event: message</c> with a summary for
/// each delivery or append, <c>event: deleted</c> with the ids, a comment every 15 s so proxies
/// and browsers keep the stream open.
/// </summary>
internal static class EventsApi
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", StreamAsync).WithTags("mail").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    private static async Task StreamAsync(HttpContext http, WebState state, CancellationToken ct)
    {
        if (state.Feed is not { } feed)
        {
            await Problems.Unavailable("mail store").ExecuteAsync(http);
            return;
        }

        using var subscription = feed.Subscribe();
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and friends: do not hold the stream back.
        await WriteAsync(response, ": netkit events\n\n", ct); // Headers out now: the client knows it is connected.

        var next = subscription.Reader.WaitToReadAsync(ct).AsTask();
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, Task.Delay(KeepAlive, ct)) != next)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                    continue;
                }

                if (!await next)
                {
                    return; // The feed closed: the service is stopping.
                }

                while (subscription.Reader.TryRead(out var change))
                {
                    await WriteAsync(response, Format(change), ct);
                }

                next = subscription.Reader.WaitToReadAsync(ct).AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static string Format(MailEvent change) => change.Message is { } message
        ? $"event: message\ndata: {JsonSerializer.Serialize(message, WebJson.Default.MessageSummaryView)}\n\n"
        : $"event: deleted\ndata: {JsonSerializer.Serialize(new DeletedIdsView(change.Deleted ?? []), WebJson.Default.DeletedIdsView)}\n\n";

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
