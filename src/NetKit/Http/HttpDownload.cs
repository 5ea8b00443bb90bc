using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace NetKit.Http;

/// <summary>
/// A download to a file that survives a broken transfer: the bytes go to
/// FILE.part, marked by FILE.part.json with the URL and the version (ETag or
/// Last-Modified); a resume asks for the rest with Range and If-Range, so a
/// changed resource starts over cleanly instead of being spliced. The file
/// gets its real name only when every byte is there. Streams: memory use is
/// one buffer, whatever the size.
/// </summary>
public static class HttpDownload
{
    /// <param name="createRequest">Makes the request (method, URL, headers); called again if the download must start over.</param>
    public static async Task<HttpDownloadResult> DownloadAsync(
        HttpClient client, Func<HttpRequestMessage> createRequest, string path, HttpDownloadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(createRequest);
        ArgumentNullException.ThrowIfNull(options);
        var partPath = PartialDownload.PartPath(path);
        using var idle = new IdleTimeout(options.IdleTimeout, cancellationToken);
        try
        {
            var existing = options.Resume ? await ResumableAsync(path, createRequest, cancellationToken) : null;
            if (existing is null)
            {
                DeletePartial(path);
            }

            var (response, offset, marker) = await SendAsync(client, createRequest, path, existing, options, idle);
            using (response)
            {
                if (marker is null)
                {
                    // 416 for a range that starts at the end: the partial file was already whole.
                    return Finish(path, partPath, offset, 0, resumed: true, response);
                }

                await marker.WriteAsync(path, cancellationToken);
                var received = await CopyBodyAsync(response, partPath, offset, marker.TotalBytes, options, idle);
                return Finish(path, partPath, offset + received, received, resumed: offset > 0, response);
            }
        }
        catch (OperationCanceledException ex) when (idle.Expired(ex))
        {
            throw idle.Failure("data");
        }
    }

    /// <summary>The mark of a partial file that a resume can finish, or null (then it starts over).</summary>
    private static async Task<PartialDownload?> ResumableAsync(string path, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var marker = await PartialDownload.ReadAsync(path, cancellationToken);
        using var probe = createRequest();
        return marker is { CanResume: true } && marker.Url == probe.RequestUri && new FileInfo(PartialDownload.PartPath(path)).Length > 0 ? marker : null;
    }

    private static async Task<(HttpResponseMessage Response, long Offset, PartialDownload? Marker)> SendAsync(
        HttpClient client, Func<HttpRequestMessage> createRequest, string path, PartialDownload? existing, HttpDownloadOptions options, IdleTimeout idle)
    {
        var offset = existing is null ? 0 : new FileInfo(PartialDownload.PartPath(path)).Length;
        using var request = createRequest();
        if (existing is not null)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
            // The rest of the server's own bytes: a range of an encoded body would not join the decoded part.
            request.Headers.AcceptEncoding.Clear();
            request.Headers.AcceptEncoding.ParseAdd("identity");
            request.Headers.IfRange = existing.ETag is { } etag
                ? new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(etag))
                : new RangeConditionHeaderValue(existing.LastModified!.Value);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
        try
        {
            options.OnResponse?.Invoke(response);
            if (existing is not null && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable
                && response.Content.Headers.ContentRange?.Length == offset && existing.TotalBytes == offset)
            {
                return (response, offset, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw HttpStatusException.From(response);
            }

            if (existing is not null && response.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = response.Content.Headers.ContentRange;
                if (range?.From != offset)
                {
                    throw new NetKitException($"the server sent a range from byte {range?.From?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, not from byte {offset} as asked");
                }

                return (response, offset, existing with { TotalBytes = range.Length ?? existing.TotalBytes });
            }

            // A whole new body (200): the resource changed, or the server does not do ranges. Start over.
            DeletePartial(path);
            return (response, 0, MarkerOf(request.RequestUri!, response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The mark for a new body; a decoded body (gzip, br) gets no validators, so a resume starts it over.</summary>
    private static PartialDownload MarkerOf(Uri url, HttpResponseMessage response)
    {
        var decoded = response.RequestMessage?.Options.TryGetValue(HttpDecodingHandler.DecodedFrom, out _) == true;
        return new()
        {
            Url = url,
            ETag = !decoded && response.Headers.ETag is { IsWeak: false } etag ? etag.ToString() : null,
            LastModified = decoded ? null : response.Content.Headers.LastModified,
            TotalBytes = response.Content.Headers.ContentLength,
        };
    }

    /// <summary>
    /// Socket to file through one buffer. The file is written synchronously at an
    /// explicit offset (pwrite): an async write to a regular file on Unix is the
    /// same blocking call queued to another pool thread, and that hop per chunk
    /// showed in the 1 GiB benchmark. A read takes as much as the socket holds
    /// (up to the buffer), so a fast transfer writes in large pieces.
    /// </summary>
    private static async Task<long> CopyBodyAsync(HttpResponseMessage response, string partPath, long offset, long? total, HttpDownloadOptions options, IdleTimeout idle)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long received = 0;
        try
        {
            using var file = File.OpenHandle(partPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            RandomAccess.SetLength(file, offset);
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
            while (true)
            {
                int read;
                try
                {
                    idle.Restart();
                    read = await body.ReadAsync(buffer.AsMemory(0, options.BufferSize), idle.Token);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    Report(options, offset + received, total, received, clock.Elapsed);
                    throw new HttpDownloadInterruptedException(offset + received, total, partPath, ex);
                }

                if (read == 0)
                {
                    break;
                }

                RandomAccess.Write(file, buffer.AsSpan(0, read), offset + received);
                received += read;
                if (options.Progress is not null && clock.Elapsed - lastReport >= options.ProgressInterval)
                {
                    lastReport = clock.Elapsed;
                    Report(options, offset + received, total, received, clock.Elapsed);
                }
            }

            Report(options, offset + received, total ?? offset + received, received, clock.Elapsed);
            return received;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Report(HttpDownloadOptions options, long bytes, long? total, long transferred, TimeSpan elapsed) =>
        options.Progress?.Report(new DownloadProgress(bytes, total, elapsed > TimeSpan.Zero ? transferred / elapsed.TotalSeconds : 0, elapsed));

    private static HttpDownloadResult Finish(string path, string partPath, long total, long transferred, bool resumed, HttpResponseMessage response)
    {
        File.Move(partPath, path, overwrite: true);
        PartialDownload.Delete(path);
        return new HttpDownloadResult(path, total, transferred, resumed, response);
    }

    private static void DeletePartial(string path)
    {
        File.Delete(PartialDownload.PartPath(path));
        PartialDownload.Delete(path);
    }
}
