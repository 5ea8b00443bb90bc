using NetKit.Ftp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>A full disk (a 1 MiB tmpfs mounted for the test) answered with 452, no file left behind, and the session going on.</summary>
public sealed class FtpDiskFullTests : IAsyncLifetime
{
    private readonly string _mount = Directory.CreateTempSubdirectory("nk-ftp-full-").FullName;

    public async Task InitializeAsync()
    {
        var mount = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", _mount]);
        Assert.True(mount.ExitCode == 0, $"this test mounts a 1 MiB tmpfs and needs root (or CAP_SYS_ADMIN) for it.\n{mount}");
    }

    public async Task DisposeAsync()
    {
        await ProcessRunner.RunAsync("umount", [_mount]);
        Directory.Delete(_mount, recursive: true);
    }

    [Fact]
    public async Task Upload_toAFullDisk_is452_leavesNothing_andTheSessionGoesOn()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { Root = _mount });
        Directory.CreateDirectory(Path.Combine(_mount, FtpTestServer.User));
        await using var client = await server.ConnectAsync();
        var ex = await Assert.ThrowsAsync<FtpCommandException>(() => client.UploadAsync("big.bin", new MemoryStream(new byte[3 * 1024 * 1024])));
        Assert.True(ex.Code is 452 or 552, ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_mount, FtpTestServer.User)));
        Assert.Equal("/", await client.PwdAsync());
        await client.UploadAsync("small.txt", new MemoryStream("fits"u8.ToArray()));
        Assert.Equal("fits", await File.ReadAllTextAsync(Path.Combine(_mount, FtpTestServer.User, "small.txt")));
    }

    [Fact]
    public async Task CurlUpload_toAFullDisk_fails_leavesNothing_andTheServerGoesOn()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { Root = _mount });
        Directory.CreateDirectory(Path.Combine(_mount, FtpTestServer.User));
        using var local = FtpPeers.TempDirectory();
        await File.WriteAllBytesAsync(local["big.bin"], new byte[3 * 1024 * 1024]);
        var url = $"ftp://{FtpTestServer.User}:{FtpTestServer.Password}@127.0.0.1:{server.Port}/";
        var full = await ProcessRunner.RunAsync(FtpPeers.Curl, ["-sS", "--max-time", "30", "-T", local["big.bin"], url + "big.bin"]);
        Assert.NotEqual(0, full.ExitCode);
        Assert.Contains("S: 452 ", server.Trace, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_mount, FtpTestServer.User)));
        await File.WriteAllTextAsync(local["small.txt"], "fits");
        var small = await ProcessRunner.RunAsync(FtpPeers.Curl, ["-sS", "--max-time", "30", "-T", local["small.txt"], url + "small.txt"]);
        Assert.True(small.ExitCode == 0, small.ToString());
        Assert.Equal("fits", await File.ReadAllTextAsync(Path.Combine(_mount, FtpTestServer.User, "small.txt")));
    }
}
