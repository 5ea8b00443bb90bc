using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;

namespace NetKit.Web.Api;

/// <summary>/api/files/{ftp|gopher}/{path}: a directory as JSON, a file as a download; nothing outside the root.</summary>
internal static class FilesApi
{
    private static readonly FileExtensionContentTypeProvider Types = new();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/files/{root}/{**path}", Get).WithTags("files")
            .Produces<DirectoryView>().Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Get(string root, string? path, WebState state, HttpContext http)
    {
        var directory = root switch
        {
            "ftp" => state.Context.Ftp?.Root,
            "gopher" => state.Context.Gopher?.Root,
            _ => null,
        };
        if (directory is null)
        {
            return Problems.NotFound($"there is no file root \"{root}\" (ftp, gopher) in this run");
        }

        switch (JailedPath.Resolve(directory, path))
        {
            case DirectoryInfo found:
                return TypedResults.Ok(new DirectoryView("/" + (path ?? "").Trim('/'), [.. List(found)]));
            case FileInfo file:
                http.Response.Headers.ContentSecurityPolicy = MessageContentApi.DownloadPolicy;
                return TypedResults.PhysicalFile(file.FullName, Types.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream", file.Name, enableRangeProcessing: true);
            default:
                return Problems.NotFound($"there is no /{path} in the {root} root");
        }
    }

    /// <summary>A directory's entries, directories first; a link shows as what it points to, a broken one not at all.</summary>
    private static IEnumerable<FileEntryView> List(DirectoryInfo directory)
    {
        var entries = new List<FileEntryView>();
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (Target(entry) is { } real)
            {
                entries.Add(new FileEntryView(entry.Name, real is DirectoryInfo ? "dir" : "file", real is FileInfo file ? file.Length : 0, real.LastWriteTimeUtc));
            }
        }

        return entries.OrderBy(e => e.Type == "dir" ? 0 : 1).ThenBy(e => e.Name, StringComparer.Ordinal);
    }

    private static FileSystemInfo? Target(FileSystemInfo entry)
    {
        if (entry.LinkTarget is null)
        {
            return entry;
        }

        try
        {
            return entry.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true } target ? target : null;
        }
        catch (IOException)
        {
            return null; // A loop of links.
        }
    }
}
