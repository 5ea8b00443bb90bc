using NetKit.Http;

namespace NetKit.Tests.Http;

/// <summary>The mark beside a partial download (FILE.part.json): what a resume trusts.</summary>
public sealed class PartialDownloadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netkit-partial-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> WithPartAsync()
    {
        var path = Path.Combine(_folder, "f.bin");
        await File.WriteAllBytesAsync(PartialDownload.PartPath(path), [1, 2, 3]);
        return path;
    }

    [Fact]
    public async Task WriteThenRead_everyFieldSurvives()
    {
        var path = await WithPartAsync();
        var written = new PartialDownload
        {
            Url = new Uri("http://[::1]:8080/a%20b?q=\"x\"&r=é"),
            ETag = "\"abc\\\"-1\"",
            LastModified = new DateTimeOffset(2026, 11, 26, 14, 0, 7, TimeSpan.Zero),
            TotalBytes = 1L << 40,
        };
        await written.WriteAsync(path, CancellationToken.None);
        var read = await PartialDownload.ReadAsync(path, CancellationToken.None);
        Assert.Equal(written, read);
        Assert.True(read!.CanResume);
        Assert.False(File.Exists(PartialDownload.MarkerPath(path) + ".tmp"));
    }

    [Fact]
    public async Task WriteThenRead_absentFieldsStayNull()
    {
        var path = await WithPartAsync();
        await new PartialDownload { Url = new Uri("https://example.org/x") }.WriteAsync(path, CancellationToken.None);
        var text = await File.ReadAllTextAsync(PartialDownload.MarkerPath(path));
        Assert.DoesNotContain("eTag", text, StringComparison.Ordinal);
        var read = await PartialDownload.ReadAsync(path, CancellationToken.None);
        Assert.Equal(new PartialDownload { Url = new Uri("https://example.org/x") }, read);
        Assert.False(read!.CanResume);
    }

    [Theory]
    [InlineData("{nope")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"url\": 5}")]
    [InlineData("{\"url\": \"not a url\"}")]
    [InlineData("{\"url\": \"http://h/\", \"totalBytes\": \"many\"}")]
    [InlineData("{\"url\": \"http://h/\", \"lastModified\": \"yesterday\"}")]
    public async Task Read_unreadableMark_isNull_soTheDownloadStartsOver(string json)
    {
        var path = await WithPartAsync();
        await File.WriteAllTextAsync(PartialDownload.MarkerPath(path), json);
        Assert.Null(await PartialDownload.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task Read_markWithoutPartFile_isNull()
    {
        var path = Path.Combine(_folder, "g.bin");
        await new PartialDownload { Url = new Uri("http://h/"), ETag = "\"e\"" }.WriteAsync(path, CancellationToken.None);
        Assert.Null(await PartialDownload.ReadAsync(path, CancellationToken.None));
    }
}
