using System.Globalization;
using System.Security.Cryptography;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>
/// Debian's lftp in batch mode against our server, plain and over explicit TLS
/// (AUTH TLS, PROT P): `mirror` down, `mirror -R` up, and resuming partial files
/// with `get -c`, `mirror --continue` and `put -c`; every file compared by SHA-256.
/// </summary>
public class FtpLftpTests
{
    private const int Partial = 1_048_576;

    /// <summary>A tree with subfolders, spaces, Cyrillic, a 0-byte, a 1-byte and a few-MB file.</summary>
    private static async Task WriteTreeAsync(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "a", "b", "c"));
        Directory.CreateDirectory(Path.Combine(root, "папка с пробелом"));
        Directory.CreateDirectory(Path.Combine(root, "empty folder"));
        await File.WriteAllBytesAsync(Path.Combine(root, "empty"), []);
        await File.WriteAllBytesAsync(Path.Combine(root, "one"), [0xff]);
        await File.WriteAllBytesAsync(Path.Combine(root, "big file.bin"), RandomNumberGenerator.GetBytes(3_000_017));
        await File.WriteAllTextAsync(Path.Combine(root, "папка с пробелом", "файл.txt"), "строка\nвторая\r\n");
        await File.WriteAllBytesAsync(Path.Combine(root, "a", "b", "c", "deep.bin"), RandomNumberGenerator.GetBytes(70_001));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mirror_downloadsAndUploadsATree_byteExact(bool tls)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        await WriteTreeAsync(Path.Combine(server.UserRoot, "remote"));
        await WriteTreeAsync(local["source"]);

        await RunAsync(server, tls, $"mirror remote {Quote(local["down"])}; mirror -R {Quote(local["source"])} up");

        AssertSameTree(Path.Combine(server.UserRoot, "remote"), local["down"]);
        AssertSameTree(local["source"], Path.Combine(server.UserRoot, "up"));
        AssertProtected(server, tls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetAndMirrorAndPut_withContinue_resumePartialFiles(bool tls)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(3_000_017);
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "big.bin"), data);
        Directory.CreateDirectory(Path.Combine(server.UserRoot, "dir"));
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "dir", "в папке.bin"), data);
        // mirror --continue resumes only a local file newer than the remote one (as an interrupted download is).
        File.SetLastWriteTimeUtc(Path.Combine(server.UserRoot, "dir", "в папке.bin"), DateTime.UtcNow.AddHours(-1));
        // Local halves for the downloads, a remote half for the upload.
        await File.WriteAllBytesAsync(local["big.bin"], data[..Partial]);
        Directory.CreateDirectory(local["dir"]);
        await File.WriteAllBytesAsync(Path.Combine(local["dir"], "в папке.bin"), data[..Partial]);
        await File.WriteAllBytesAsync(local["full.bin"], data);
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "up.bin"), data[..Partial]);

        await RunAsync(server, tls, $"get -c big.bin -o {Quote(local["big.bin"])}; mirror --continue dir {Quote(local["dir"])}; put -c {Quote(local["full.bin"])} -o up.bin");

        Assert.Equal(FtpPeers.Sha256(local["full.bin"]), FtpPeers.Sha256(local["big.bin"]));
        Assert.Equal(FtpPeers.Sha256(local["full.bin"]), FtpPeers.Sha256(Path.Combine(local["dir"], "в папке.bin")));
        Assert.Equal(FtpPeers.Sha256(local["full.bin"]), FtpPeers.Sha256(Path.Combine(server.UserRoot, "up.bin")));
        // Each resume really continued from the partial file's end, not from 0.
        var restarts = server.Trace.Split('\n').Count(l => l.Contains("C: REST " + Partial.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.True(restarts >= 3, $"expected three REST {Partial}, saw {restarts}:\n{server.Trace}");
        AssertProtected(server, tls);
    }

    private static async Task RunAsync(FtpTestServer server, bool tls, string commands)
    {
        // Batch mode: no retries, no prompts, a hang fails the test (ProcessRunner's timeout).
        var security = tls
            ? "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no"
            : "set ftp:ssl-allow false";
        var script = $"{security}; set net:max-retries 1; set net:timeout 10; set cmd:fail-exit true; " +
            $"open -u {FtpTestServer.User},{FtpTestServer.Password} -p {server.Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1; {commands}";
        var run = await ProcessRunner.RunAsync(FtpPeers.Lftp, ["-c", script], timeout: TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private static void AssertProtected(FtpTestServer server, bool tls)
    {
        Assert.Equal(tls, server.Trace.Contains("C: AUTH TLS", StringComparison.Ordinal));
        Assert.Equal(tls, server.Trace.Contains("C: PROT P", StringComparison.Ordinal));
    }

    /// <summary>The same folders and files (an empty folder too), every file byte-exact.</summary>
    private static void AssertSameTree(string expected, string actual)
    {
        string[] Entries(string root) => [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(e => Path.GetRelativePath(root, e) + (Directory.Exists(e) ? "/" : string.Empty)).Order(StringComparer.Ordinal)];

        Assert.Equal(Entries(expected), Entries(actual));
        foreach (var file in Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(FtpPeers.Sha256(file), FtpPeers.Sha256(Path.Combine(actual, Path.GetRelativePath(expected, file))));
        }
    }

    private static string Quote(string path) => "\"" + path + "\"";
}
