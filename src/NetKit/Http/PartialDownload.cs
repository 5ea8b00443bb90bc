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
        await using (var stream = File.Create(temporary))
        {
            await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            WriteJson(writer);
            await writer.FlushAsync(cancellationToken);
        }

        File.Move(temporary, marker, overwrite: true);
    }

    // By hand with the reader and writer, not a JsonSerializer context: the serializer's
    // generic metadata costs a CLI run some 150 JIT-compiled methods at start-up.
    private void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(UrlName, Url.OriginalString);
        if (ETag is not null)
        {
            writer.WriteString(ETagName, ETag);
        }

        if (LastModified is { } lastModified)
        {
            writer.WriteString(LastModifiedName, lastModified);
        }

        if (TotalBytes is { } total)
        {
            writer.WriteNumber(TotalBytesName, total);
        }

        writer.WriteEndObject();
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
