using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NetKit.Web.Api;

namespace NetKit.Web.Hosting;

/// <summary>
/// What every response and request goes through: safe headers (a strict CSP, nosniff), the Host
/// check that stops DNS rebinding on a loopback bind, basic auth when configured, and the refusal
/// of writes from another origin. No CORS headers are ever sent, so other sites cannot read the API.
/// </summary>
internal static class WebSecurity
{
    /// <summary>For every page: only our own scripts, styles, frames; images also as data: URLs.</summary>
    public const string PagePolicy = "default-src 'self'; frame-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

    public static void Use(WebApplication app, WebServerOptions options, bool loopbackOnly)
    {
        var expected = options.RequiresAuth
            ? Encoding.UTF8.GetBytes($"{options.User}:{options.Password}")
            : null;
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = PagePolicy; // Endpoints that serve other content replace it.
            headers["Referrer-Policy"] = "same-origin";

            if (loopbackOnly && !IsLoopbackHost(http.Request.Host.Host))
            {
                await Problems.Forbidden("this server answers only to a loopback host name (localhost, 127.0.0.1, [::1])").ExecuteAsync(http);
                return;
            }

            if (expected is not null && !Authorized(http.Request, expected))
            {
                headers.WWWAuthenticate = "Basic realm=\"netkit\", charset=\"UTF-8\"";
                await TypedResults.Problem("this server needs a user name and password", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(http);
                return;
            }

            if (IsWrite(http.Request.Method) && http.Request.Headers.Origin is { Count: > 0 } origin && !IsOwnOrigin(http.Request, origin.ToString()))
            {
                await Problems.Forbidden("writes from another origin are refused").ExecuteAsync(http);
                return;
            }

            await next(http);
        });
    }

    private static bool IsWrite(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    private static bool IsOwnOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool Authorized(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string Prefix = "Basic ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = new byte[expected.Length * 2 + 4];
        if (!Convert.TryFromBase64String(header[Prefix.Length..].Trim(), given, out var length))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given.AsSpan(0, length), expected);
    }
}
