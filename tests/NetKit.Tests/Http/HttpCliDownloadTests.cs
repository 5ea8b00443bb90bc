using System.Text.Json;
using NetKit.Tests.Support;

namespace NetKit.Tests.Http;

/// <summary>`netkit http get -o FILE`: byte-exact big downloads, broken transfers marked, --continue, changed resources, stalls.</summary>
public sealed class HttpCliDownloadTests
{
    private const long OneGiB = 1L << 30;
    private const long TenMiB = 10L << 20;

    /// <summary>The expected hash, computed once, beside the download rather than after it.</summary>
    private static readonly Lazy<Task<string>> OneGiBHash = new(() => Task.Run(() => BlobPattern.Sha256(1, OneGiB)));

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Download_1GiB_byteExactByHash(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        // tmpfs when there is one: the test measures the client, not the disk (the client streams either way).
        // A container's /dev/shm may be 64 MiB: use it only when the GiB fits with room to spare.
        var folder = Directory.Exists("/dev/shm") && new DriveInfo("/dev/shm").AvailableFreeSpace > 3L * OneGiB ? "/dev/shm" : server.Root;
        var path = Path.Combine(folder, $"netkit-http-{Guid.NewGuid():N}.bin");
        var expected = OneGiBHash.Value;
        var result = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/blob/{OneGiB}", "-o", path);
        try
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(string.Empty, result.Stdout);
            Assert.Equal(OneGiB, new FileInfo(path).Length);
            Assert.Equal(await expected, BlobPattern.Sha256OfFile(path));
            Assert.False(File.Exists(path + ".part"));
            Assert.False(File.Exists(path + ".part.json"));
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".part");
            File.Delete(path + ".part.json");
        }
    }

    [Fact]
    public async Task Download_onATerminal_drawsTheProgressBar()
    {
        // util-linux's `script` gives the CLI a pseudo-terminal, where -o draws its bar on stderr.
        await using var server = await HttpTestServers.StartAsync("kestrel");
        var path = Path.Combine(server.Root, "bar.bin");
        var command = $"env TERM=xterm COLUMNS=120 '{NetkitCli.DotnetHost}' '{NetkitCli.DllPath}' http get '{server.BaseUrl}/blob/{TenMiB}' -o '{path}'";
        var result = await ProcessRunner.RunAsync("script", ["-qefc", command, "/dev/null"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var screen = System.Text.RegularExpressions.Regex.Replace(result.Stdout, "\u001b\\[[0-9;?]*[A-Za-z]", string.Empty);
        Assert.Contains("bar.bin", screen, StringComparison.Ordinal);
        Assert.Contains("100%", screen, StringComparison.Ordinal);
        Assert.Contains("10.0 MiB", screen, StringComparison.Ordinal);
        Assert.Equal(BlobPattern.Sha256(1, TenMiB), BlobPattern.Sha256OfFile(path));
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Download_serverClosesMidBody_partialFileMarked_thenContinueFinishesIt(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var path = Path.Combine(server.Root, "blob.bin");
        var url = $"{server.BaseUrl}/blob/{TenMiB}";
        const long cut = (3L << 20) + 123;
        await server.CutNextBlobAfterAsync(cut);

        var broken = await NetkitCli.RunAsync("http", "get", url, "-o", path);
        Assert.True(broken.ExitCode == 7, broken.ToString());
        var line = Assert.Single(broken.StderrLines);
        var match = System.Text.RegularExpressions.Regex.Match(line, "^netkit: the transfer broke after ([0-9,]+) of 10,485,760 bytes");
        Assert.True(match.Success, line);
        Assert.Contains(path + ".part", line, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        // Python closes with a FIN: every byte sent arrives. Kestrel's abort is a reset, which may drop the last unread bytes.
        var kept = new FileInfo(path + ".part").Length;
        Assert.Equal(long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), kept);
        Assert.InRange(kept, 1, cut);
        using (var marker = JsonDocument.Parse(await File.ReadAllTextAsync(path + ".part.json")))
        {
            Assert.Equal(url, marker.RootElement.GetProperty("url").GetString());
            Assert.Equal(BlobPattern.ETag(1, TenMiB), marker.RootElement.GetProperty("eTag").GetString());
        }

        var resumed = await NetkitCli.RunAsync("http", "get", url, "-o", path, "--continue", "--trace");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"C: Range: bytes={kept}-", resumed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"C: If-Range: {BlobPattern.ETag(1, TenMiB)}", resumed.Stderr, StringComparison.Ordinal);
        Assert.Contains("S: HTTP/1.1 206 Partial Content", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(BlobPattern.Sha256(1, TenMiB), BlobPattern.Sha256OfFile(path));
        Assert.False(File.Exists(path + ".part"));
        Assert.False(File.Exists(path + ".part.json"));
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Continue_afterTheResourceChanged_restartsCleanly(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var path = Path.Combine(server.Root, "blob.bin");
        var url = $"{server.BaseUrl}/blob/{TenMiB}";
        await server.CutNextBlobAfterAsync(5L << 20);
        var broken = await NetkitCli.RunAsync("http", "get", url, "-o", path);
        Assert.True(broken.ExitCode == 7, broken.ToString());

        await server.SetBlobVersionAsync(2);
        var resumed = await NetkitCli.RunAsync("http", "get", url, "-o", path, "--continue", "--trace");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        // If-Range did not match the new ETag: the server sent the whole new version, not a splice.
        Assert.Contains("S: HTTP/1.1 200 OK", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(BlobPattern.Sha256(2, TenMiB), BlobPattern.Sha256OfFile(path));
        Assert.False(File.Exists(path + ".part.json"));
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Continue_onAWholePartialFile_finishesWithoutBytes(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var path = Path.Combine(server.Root, "blob.bin");
        var url = $"{server.BaseUrl}/blob/{1L << 20}";
        // A transfer that lost its connection just after the last byte (the rename never happened).
        await NetkitCli.RunAsync("http", "get", url, "-o", path);
        File.Move(path, path + ".part");
        await File.WriteAllTextAsync(path + ".part.json", $$"""{"url":"{{url}}","eTag":{{JsonSerializer.Serialize(BlobPattern.ETag(1, 1L << 20))}},"totalBytes":{{1L << 20}}}""");

        var resumed = await NetkitCli.RunAsync("http", "get", url, "-o", path, "--continue");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(BlobPattern.Sha256(1, 1L << 20), BlobPattern.Sha256OfFile(path));
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task ServerClosesMidBody_toStdout_clearErrorAndExit7(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        await server.CutNextBlobAfterAsync(1000);
        var result = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/blob/100000");
        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.StartsWith("netkit: the server broke off the response", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task StalledServer_timesOutWithExit4(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var body = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/stall", "--timeout", "1");
        Assert.True(body.ExitCode == 4, body.ToString());
        Assert.Equal("netkit: timed out: no data from the server for 1 s", Assert.Single(body.StderrLines));

        var head = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/stall-head", "--timeout", "0.5");
        Assert.True(head.ExitCode == 4, head.ToString());

        var path = Path.Combine(server.Root, "stalled.bin");
        var file = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/stall", "--timeout", "1", "-o", path);
        Assert.True(file.ExitCode == 4, file.ToString());
        Assert.Equal(10, new FileInfo(path + ".part").Length);
        Assert.True(File.Exists(path + ".part.json"));
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task SelfSignedHttps_failsWithoutInsecure_worksWithIt(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var refused = await NetkitCli.RunAsync("http", "get", $"{server.TlsBaseUrl}/redirect/0");
        Assert.True(refused.ExitCode == 9, refused.ToString());
        var line = Assert.Single(refused.StderrLines);
        Assert.StartsWith("netkit: TLS failed: ", line, StringComparison.Ordinal);
        Assert.Contains("-k/--insecure", line, StringComparison.Ordinal);

        var accepted = await NetkitCli.RunAsync("http", "get", $"{server.TlsBaseUrl}/redirect/1", "-k");
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Equal("arrived", accepted.Stdout);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Download_encodedBody_savedDecoded(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var path = Path.Combine(server.Root, "text.txt");
        var result = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/gzip", "-o", path, "-i");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Content-Encoding: ", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Concat(Enumerable.Repeat("squeezed by gzip\n", 100)), await File.ReadAllTextAsync(path));
    }
}
