using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MimeKit;
using MimeKit.Utils;
using NetKit.Nntp;

namespace NetKit.Web.Api;

/// <summary>/api/news: groups, a group's articles as threads, one article, its bytes.</summary>
internal static class NewsApi
{
    private const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var news = app.MapGroup("/api/news").WithTags("news");
        news.MapGet("/groups", ListGroupsAsync);
        news.MapGet("/groups/{name}/articles", ListArticlesAsync);
        news.MapGet("/groups/{name}/articles/{number:long}", GetArticleAsync);
        news.MapGet("/groups/{name}/articles/{number:long}/raw", GetRawAsync).Produces(StatusCodes.Status200OK, contentType: "message/rfc822").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<ListResult<NewsGroupView>>, ProblemHttpResult>> ListGroupsAsync(WebState state, CancellationToken ct)
    {
        if (state.News is not { } store)
        {
            return Problems.Unavailable("news store");
        }

        var groups = await store.ListGroupsAsync(ct);
        return TypedResults.Ok(new ListResult<NewsGroupView>(groups.Count,
            [.. groups.Select(g => new NewsGroupView(g.Name, g.Description, g.Moderated, g.Count, g.Low, g.High))]));
    }

    private static async Task<Results<Ok<ListResult<NewsArticleSummaryView>>, ProblemHttpResult>> ListArticlesAsync(
        string name, WebState state, CancellationToken ct, int limit = 100, int offset = 0)
    {
        if (state.News is not { } store)
        {
            return Problems.Unavailable("news store");
        }

        if (limit is < 1 or > MaxLimit || offset < 0)
        {
            return Problems.BadRequest($"limit must be 1 to {MaxLimit} and offset at least 0");
        }

        if (await store.FindGroupAsync(name, ct) is not { } group)
        {
            return NoGroup(name);
        }

        var threads = NewsThreads.Order(await store.GetOverviewAsync(group.Name, new NntpRange(1, null), ct: ct));
        return TypedResults.Ok(new ListResult<NewsArticleSummaryView>(threads.Count,
            [.. threads.Skip(offset).Take(limit).Select(t => new NewsArticleSummaryView(
                t.Article.Number, t.Article.MessageId, DecodeText(t.Article.Subject), DecodeAddresses(t.Article.From), ParseDate(t.Article.Date),
                NewsThreads.References(t.Article), t.Depth))]));
    }

    private static async Task<Results<Ok<NewsArticleView>, ProblemHttpResult>> GetArticleAsync(string name, long number, WebState state, CancellationToken ct)
    {
        if (state.News is not { } store)
        {
            return Problems.Unavailable("news store");
        }

        if (await FindAsync(store, name, number, ct) is not { } article)
        {
            return NoArticle(name, number);
        }

        var message = MessageViews.Parse(article.Raw);
        return TypedResults.Ok(new NewsArticleView(
            article.Number, article.MessageId, message.Subject ?? "", MessageViews.Addresses(message.From),
            message.Headers.Contains(HeaderId.Date) ? message.Date : null, MessageViews.Headers(message.Headers), MessageViews.Text(message)));
    }

    private static async Task<IResult> GetRawAsync(string name, long number, WebState state, HttpContext http, CancellationToken ct)
    {
        if (state.News is not { } store)
        {
            return Problems.Unavailable("news store");
        }

        if (await FindAsync(store, name, number, ct) is not { } article)
        {
            return NoArticle(name, number);
        }

        http.Response.Headers.ContentSecurityPolicy = MessageContentApi.DownloadPolicy;
        return TypedResults.Bytes(article.Raw, "message/rfc822");
    }

    private static async Task<NewsArticle?> FindAsync(NewsStore store, string name, long number, CancellationToken ct) =>
        await store.FindGroupAsync(name, ct) is { } group ? await store.GetArticleAsync(group.Name, number, ct) : null;

    private static ProblemHttpResult NoGroup(string name) => Problems.NotFound($"there is no group {name}");

    private static ProblemHttpResult NoArticle(string name, long number) => Problems.NotFound($"there is no article {number} in {name}");

    /// <summary>An overview's Subject as the reader sees it (RFC 2047 words decoded).</summary>
    private static string DecodeText(string value) => Rfc2047.DecodeText(Encoding.UTF8.GetBytes(value));

    private static string DecodeAddresses(string value) =>
        InternetAddressList.TryParse(value, out var list) && list.Count > 0 ? MessageViews.Addresses(list) : DecodeText(value);

    private static DateTimeOffset? ParseDate(string value) => DateUtils.TryParse(value, out var date) ? date : null;
}
