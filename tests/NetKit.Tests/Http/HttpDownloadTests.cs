using NetKit.Http;

namespace NetKit.Tests.Http;

/// <summary>The library's resumable download, driven directly against Kestrel.</summary>
public sealed class HttpDownloadTests
{
    private const long Size = 8L << 20;

    private sealed class Collect : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    [Fact]
    public async Task DownloadAsync_reportsProgressUpToTheTotal()
    {
        await using var server = await KestrelHttpServer.StartAsync();
        using var client = new HttpClient(HttpHandlers.Create(new HttpConnectionSettings()));
        var path = Path.Combine(server.Root, "a.bin");
        var progress = new Collect();
        var result = await HttpDownload.DownloadAsync(client, () => new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}/blob/{Size}"), path,
            new HttpDownloadOptions { Progress = progress, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        Assert.Equal(Size, result.TotalBytes);
        Assert.False(result.Resumed);
        Assert.Equal(BlobPattern.Sha256(1, Size), BlobPattern.Sha256OfFile(path));
        Assert.NotEmpty(progress.Reports);
        Assert.All(progress.Reports, r => Assert.Equal(Size, r.TotalBytes));
        Assert.Equal(progress.Reports.Select(r => r.BytesReceived).Order(), progress.Reports.Select(r => r.BytesReceived));
        Assert.Equal(Size, progress.Reports[^1].BytesReceived);
        Assert.Equal(TimeSpan.Zero, progress.Reports[^1].Remaining);
    }

    [Fact]
    public async Task DownloadAsync_broken_thenResumed_countsFromTheKeptBytes()
    {
        await using var server = await KestrelHttpServer.StartAsync();
        using var client = new HttpClient(HttpHandlers.Create(new HttpConnectionSettings()));
        var path = Path.Combine(server.Root, "b.bin");
        HttpRequestMessage Request() => new(HttpMethod.Get, $"{server.BaseUrl}/blob/{Size}");
        await server.CutNextBlobAfterAsync(2L << 20);
        var broken = await Assert.ThrowsAsync<HttpDownloadInterruptedException>(() =>
            HttpDownload.DownloadAsync(client, Request, path, new HttpDownloadOptions(), CancellationToken.None));
        Assert.Equal(Size, broken.TotalBytes);
        Assert.Equal(broken.BytesReceived, new FileInfo(broken.PartPath).Length);
        var marker = await PartialDownload.ReadAsync(path, CancellationToken.None);
        Assert.NotNull(marker);
        Assert.Equal(BlobPattern.ETag(1, Size), marker.ETag);

        var progress = new Collect();
        var result = await HttpDownload.DownloadAsync(client, Request, path, new HttpDownloadOptions { Resume = true, Progress = progress }, CancellationToken.None);
        Assert.True(result.Resumed);
        Assert.Equal(Size - broken.BytesReceived, result.BytesTransferred);
        Assert.Equal(Size, progress.Reports[^1].BytesReceived);
        Assert.Equal(BlobPattern.Sha256(1, Size), BlobPattern.Sha256OfFile(path));
        Assert.Null(await PartialDownload.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task DownloadAsync_errorStatus_throwsAndLeavesNoFile()
    {
        await using var server = await KestrelHttpServer.StartAsync();
        using var client = new HttpClient(HttpHandlers.Create(new HttpConnectionSettings()));
        var path = Path.Combine(server.Root, "c.bin");
        var error = await Assert.ThrowsAsync<HttpStatusException>(() =>
            HttpDownload.DownloadAsync(client, () => new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}/status/404"), path, new HttpDownloadOptions(), CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(PartialDownload.PartPath(path)));
    }
}
