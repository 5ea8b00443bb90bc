using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;

namespace NetKit.Web.Hosting;

/// <summary>
/// The console's files, embedded in this assembly under "wwwroot/..." (see the csproj), served
/// at their path with their content type; "/" is index.html. Nothing is read from disk.
/// </summary>
internal static class StaticContent
{
    private static readonly Assembly Resources = typeof(StaticContent).Assembly;
    private static readonly HashSet<string> Names = new(Resources.GetManifestResourceNames(), StringComparer.Ordinal);
    private static readonly FileExtensionContentTypeProvider Types = CreateTypes();

    public static void Map(WebApplication app) =>
        app.MapGet("/{**path}", Serve).ExcludeFromDescription();

    private static IResult Serve(string? path, HttpContext http)
    {
        var name = "wwwroot/" + (string.IsNullOrEmpty(path) ? "index.html" : path);
        if (path is not null && (path.StartsWith("api/", StringComparison.Ordinal) || !Names.Contains(name)))
        {
            return Api.Problems.NotFound($"there is no /{path}");
        }

        if (!Names.Contains(name))
        {
            return Api.Problems.NotFound("the console's pages are not in this build");
        }

        if (!Types.TryGetContentType(name, out var type))
        {
            type = "application/octet-stream";
        }

        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Stream(Resources.GetManifestResourceStream(name)!, type.StartsWith("text/", StringComparison.Ordinal) && !type.Contains("charset", StringComparison.Ordinal) ? type + "; charset=utf-8" : type);
    }

    private static FileExtensionContentTypeProvider CreateTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript";
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".webmanifest"] = "application/manifest+json";
        return types;
    }
}
