using System.Text.Json;
using System.Text.Json.Serialization;

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
    [JsonIgnore]
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
            return await JsonSerializer.DeserializeAsync(stream, PartialDownloadJson.Default.PartialDownload, cancellationToken);
        }
        catch (JsonException)
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
            await JsonSerializer.SerializeAsync(stream, this, PartialDownloadJson.Default.PartialDownload, cancellationToken);
        }

        File.Move(temporary, marker, overwrite: true);
    }

    /// <summary>Removes the mark (the download finished, or starts over).</summary>
    public static void Delete(string path) => File.Delete(MarkerPath(path));
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PartialDownload))]
internal sealed partial class PartialDownloadJson : JsonSerializerContext;
