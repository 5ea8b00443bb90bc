namespace NetKit.Http;

/// <summary>
/// How far a download has come: bytes in the file so far (a resumed download
/// counts what was already there), the full size when the server said it, and
/// the rate of this transfer in bytes per second.
/// </summary>
public readonly record struct DownloadProgress(long BytesReceived, long? TotalBytes, double BytesPerSecond, TimeSpan Elapsed)
{
    /// <summary>Time left at the current rate, when the size is known and the rate is not zero.</summary>
    public TimeSpan? Remaining =>
        TotalBytes is { } total && BytesPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - BytesReceived) / BytesPerSecond) : null;
}
