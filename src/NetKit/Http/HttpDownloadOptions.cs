namespace NetKit.Http;

/// <summary>How <see cref="HttpDownload"/> fetches a file.</summary>
public sealed class HttpDownloadOptions
{
    /// <summary>Finish a marked partial file (Range plus If-Range) instead of starting over.</summary>
    public bool Resume { get; init; }

    /// <summary>Told of the bytes so far, the size and the rate, at most every <see cref="ProgressInterval"/>, and once at the end.</summary>
    public IProgress<DownloadProgress>? Progress { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Fail when the server sends nothing (headers or body bytes) for this long; infinite by default.</summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Called with every response before its body is read (to print its head); the body is not to be touched.</summary>
    public Action<HttpResponseMessage>? OnResponse { get; init; }

    /// <summary>The size of each read and write.</summary>
    public int BufferSize { get; init; } = 1 << 20;
}

/// <summary>What a finished download did.</summary>
public sealed record HttpDownloadResult(string Path, long TotalBytes, long BytesTransferred, bool Resumed, HttpResponseMessage Response);
