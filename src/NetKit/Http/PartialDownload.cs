using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NetKit.Http;

/// <summary>
/// The mark on a partial download: FILE.part holds the bytes, FILE.part.json
/// (this record) says where they came from and which version of the resource
/// they are, so that a resume asks for the rest of the same version
/// (Range with If-Range) and never glues two versions together.
/// </summary>
public sealed record PartialDownload
{
    public required Uri Url { get; init; }

    /// <summary>The strong ETag the first response carried, if any (If-Range takes only a strong one).</summary>
    public string? ETag { get; init; }

    /// <summary>The Last-Modified date, used for If-Range when there is no strong ETag.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The full size the server announced, if it did.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>Where the bytes go while the download is unfinished.</summary>
    public static string PartPath(string path) => path + ".part";

    /// <summary>Where the mark lives, beside the partial file.</summary>
    public static string MarkerPath(string path) => path + ".part.json";

    /// <summary>Whether the mark can validate a resume: the server must have named the version.</summary>
    public bool CanResume => ETag is not null || LastModified is not null;

    /// <summary>Reads the mark of <paramref name="path"/>; null when there is none or it is unreadable (then the download starts over).</summary>
    public static async Task<PartialDownload?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var marker = MarkerPath(path);
        if (!File.Exists(marker) || !File.Exists(PartPath(path)))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(marker);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return FromJson(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or UriFormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the mark before the first byte of the body, so that a crash at any point leaves a resumable file.</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var marker = MarkerPath(path);
        var temporary = marker + ".tmp";
        await File.WriteAllTextAsync(temporary, ToJson(), cancellationToken);
        File.Move(temporary, marker, overwrite: true);
    }

    // Written by hand and read with JsonDocument, not through a JsonSerializer context:
    // every download writes a mark, and the serializer's generic metadata and
    // System.Text.Json's encoder tables cost a CLI run start-up time (JIT and loading)
    // for four fields. Resumes, which are rare, still parse it with JsonDocument.
    private string ToJson()
    {
        var json = new StringBuilder("{\n");
        Field(json, UrlName, Quoted(Url.OriginalString));
        if (ETag is not null)
        {
            Field(json, ETagName, Quoted(ETag));
        }

        if (LastModified is { } lastModified)
        {
            Field(json, LastModifiedName, Quoted(lastModified.ToString("O", CultureInfo.InvariantCulture)));
        }

        if (TotalBytes is { } total)
        {
            Field(json, TotalBytesName, total.ToString(CultureInfo.InvariantCulture));
        }

        json.Length -= 2; // the last ",\n"
        return json.Append("\n}\n").ToString();
    }

    private static void Field(StringBuilder json, string name, string value) =>
        json.Append("  \"").Append(name).Append("\": ").Append(value).Append(",\n");

    /// <summary>A JSON string: quotes, backslashes and control characters escaped; the rest as it is (UTF-8 on disk).</summary>
    private static string Quoted(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                < ' ' => json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }

        return json.Append('"').ToString();
    }

    private static PartialDownload? FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(UrlName, out var url) || url.GetString() is not { } urlText)
        {
            return null;
        }

        return new PartialDownload
        {
            Url = new Uri(urlText, UriKind.Absolute),
            ETag = Optional(root, ETagName)?.GetString(),
            LastModified = Optional(root, LastModifiedName)?.GetDateTimeOffset(),
            TotalBytes = Optional(root, TotalBytesName)?.GetInt64(),
        };
    }

    private static JsonElement? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private const string UrlName = "url";
    private const string ETagName = "eTag";
    private const string LastModifiedName = "lastModified";
    private const string TotalBytesName = "totalBytes";

    /// <summary>Removes the mark (the download finished, or starts over).</summary>
    public static void Delete(string path) => File.Delete(MarkerPath(path));
}
