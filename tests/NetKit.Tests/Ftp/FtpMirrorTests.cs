using System.Globalization;
using System.Security.Cryptography;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>`netkit ftp mirror` (the real CLI) both ways against our server.</summary>
public class FtpMirrorTests
{
    private static string[] Login(FtpTestServer server) =>
        ["--server", $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}", "--user", FtpTestServer.User, "--password", FtpTestServer.Password];

    [Fact]
    public async Task Mirror_reverseThenDownload_copiesTheTreeByteExact()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var tree = Directory.CreateDirectory(local["tree"]).FullName;
        Directory.CreateDirectory(Path.Combine(tree, "sub dir", "глубже"));
        Directory.CreateDirectory(Path.Combine(tree, "empty"));
        var files = new Dictionary<string, byte[]>
        {
            ["top.bin"] = RandomNumberGenerator.GetBytes(300_000),
            ["zero"] = [],
            [Path.Combine("sub dir", "one byte")] = [42],
            [Path.Combine("sub dir", "глубже", "файл.txt")] = "привет\r\n"u8.ToArray(),
        };
        foreach (var (name, bytes) in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(tree, name), bytes);
        }

        var up = await NetkitCli.RunAsync(["ftp", "mirror", "--reverse", tree, "copy", .. Login(server)]);
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains("4 files uploaded", up.Stderr, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(server.UserRoot, "copy", "empty")));

        var back = local["back"];
        var down = await NetkitCli.RunAsync(["ftp", "mirror", "copy", back, .. Login(server)]);
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("4 files downloaded", down.Stderr, StringComparison.Ordinal);
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "copy", name)));
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(back, name)));
        }

        Assert.True(Directory.Exists(Path.Combine(back, "empty")));
    }

    [Fact]
    public async Task Mirror_missingRemoteDirectory_failsClearly()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var run = await NetkitCli.RunAsync(["ftp", "mirror", "no-such-dir", local["x"], .. Login(server)]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("550", run.Stderr, StringComparison.Ordinal);
    }
}
