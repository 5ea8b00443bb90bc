using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NetKit.Web.Api;

/// <summary>A message's bytes: the raw source, the HTML part (locked down by CSP), attachments.</summary>
internal static class MessageContentApi
{
    /// <summary>The HTML part may style itself and show inline images; it runs nothing and loads nothing from elsewhere.</summary>
    public const string HtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:; sandbox";

    /// <summary>The same, with remote images allowed: the reader asked to load remote content.</summary>
    public const string HtmlPolicyWithRemote = "default-src 'none'; style-src 'unsafe-inline'; img-src data: cid: http: https:; sandbox";

    /// <summary>Downloads are never a page of ours: nothing in them runs even if a browser renders one.</summary>
    public const string DownloadPolicy = "default-src 'none'; sandbox";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/messages/{id:long}/raw", GetRawAsync).Produces(StatusCodes.Status200OK, contentType: "message/rfc822").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/messages/{id:long}/html", GetHtmlAsync).Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/messages/{id:long}/parts/{index:int}", GetPartAsync).Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetRawAsync(long id, WebState state, HttpContext http, CancellationToken ct, int download = 0)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        if (await store.ReadMessageAsync(id, ct) is not { } raw)
        {
            return MailApi.NoMessage(id);
        }

        http.Response.Headers.ContentSecurityPolicy = DownloadPolicy;
        return download != 0
            ? TypedResults.File(raw, "message/rfc822", $"message-{id}.eml")
            : TypedResults.Bytes(raw, "message/rfc822");
    }

    private static async Task<IResult> GetHtmlAsync(long id, WebState state, HttpContext http, CancellationToken ct, int remote = 0)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        if (await store.ReadMessageAsync(id, ct) is not { } raw)
        {
            return MailApi.NoMessage(id);
        }

        if (MessageViews.Parse(raw).HtmlBody is not { } html)
        {
            return Problems.NotFound($"message {id} has no HTML part");
        }

        http.Response.Headers.ContentSecurityPolicy = remote != 0 ? HtmlPolicyWithRemote : HtmlPolicy;
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Text(html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> GetPartAsync(long id, int index, WebState state, HttpContext http, CancellationToken ct)
    {
        if (state.Mail is not { } store)
        {
            return Problems.Unavailable("mail store");
        }

        if (await store.ReadMessageAsync(id, ct) is not { } raw)
        {
            return MailApi.NoMessage(id);
        }

        var attachments = MessageViews.Attachments(MessageViews.Parse(raw));
        if (index < 0 || index >= attachments.Count)
        {
            return Problems.NotFound($"message {id} has no attachment {index}");
        }

        var part = attachments[index];
        http.Response.Headers.ContentSecurityPolicy = DownloadPolicy;
        http.Response.Headers.ContentDisposition = ContentDisposition(MessageViews.FileName(part, index));
        return TypedResults.Bytes(MessageViews.Content(part), part.ContentType.MimeType);
    }

    /// <summary>RFC 6266: an ASCII fallback name and the real one as UTF-8 (filename*).</summary>
    public static string ContentDisposition(string fileName)
    {
        var ascii = new string([.. fileName.Select(c => c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_')]);
        return $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }
}
