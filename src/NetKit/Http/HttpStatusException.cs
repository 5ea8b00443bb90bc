using System.Net;

namespace NetKit.Http;

/// <summary>The server answered, and the answer was not a success (4xx, 5xx, or a redirect that was not followed).</summary>
public sealed class HttpStatusException(HttpStatusCode statusCode, string? reasonPhrase, Uri? url)
    : NetKitException($"{(int)statusCode} {reasonPhrase ?? statusCode.ToString()}{(url is null ? string.Empty : $" from {url}")}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public Uri? Url { get; } = url;

    public static HttpStatusException From(HttpResponseMessage response) =>
        new(response.StatusCode, response.ReasonPhrase, response.RequestMessage?.RequestUri);
}

/// <summary>The body stopped before its end (the server closed the connection); the bytes so far are kept in a marked partial file.</summary>
public sealed class HttpDownloadInterruptedException(long bytesReceived, long? totalBytes, string partPath, Exception innerException)
    : NetKitException(
        $"the transfer broke after {bytesReceived:N0}{(totalBytes is { } total ? $" of {total:N0}" : string.Empty)} bytes ({innerException.Message.TrimEnd('.')}); the partial file {partPath} is kept and marked, a resume finishes it",
        innerException)
{
    public long BytesReceived { get; } = bytesReceived;

    public long? TotalBytes { get; } = totalBytes;

    public string PartPath { get; } = partPath;
}
