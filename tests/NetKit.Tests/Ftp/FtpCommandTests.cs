using System.Globalization;
using System.Security.Cryptography;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>`netkit ftp ...` (the real CLI, as a child process) against our server in this process.</summary>
public class FtpCommandTests
{
    private static string[] Login(FtpTestServer server) =>
        ["--server", $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}", "--user", FtpTestServer.User, "--password", FtpTestServer.Password];

    private static async Task<ProcessResult> NetkitAsync(params string[] arguments)
    {
        var run = await NetkitCli.RunAsync(arguments);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    [Fact]
    public async Task PutLsGetMvRmMkdir_work()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(777_777);
        await File.WriteAllBytesAsync(local["файл 1.bin"], data);

        await NetkitAsync(["ftp", "mkdir", "docs", .. Login(server)]);
        await NetkitAsync(["ftp", "put", local["файл 1.bin"], "docs/файл 1.bin", .. Login(server)]);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "docs", "файл 1.bin")));

        var ls = await NetkitAsync(["ftp", "ls", "docs", .. Login(server)]);
        Assert.Contains("777777", ls.Stdout, StringComparison.Ordinal);
        Assert.Contains("файл 1.bin", ls.Stdout, StringComparison.Ordinal);

        await NetkitAsync(["ftp", "mv", "docs/файл 1.bin", "docs/b.bin", .. Login(server)]);
        await NetkitAsync(["ftp", "get", "docs/b.bin", local["back.bin"], .. Login(server), "--tls", "-k"]);
        Assert.Equal(data, await File.ReadAllBytesAsync(local["back.bin"]));

        await NetkitAsync(["ftp", "rm", "docs/b.bin", .. Login(server)]);
        await NetkitAsync(["ftp", "rm", "--dir", "docs", .. Login(server)]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.UserRoot));
    }

    [Fact]
    public async Task Continue_resumesBothWays()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(500_000);
        await File.WriteAllBytesAsync(local["up.bin"], data);
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "up.bin"), data[..123_456]);
        var put = await NetkitAsync(["ftp", "put", "--continue", local["up.bin"], .. Login(server)]);
        Assert.Contains("resumed at 123456", put.Stderr, StringComparison.Ordinal);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "up.bin")));

        await File.WriteAllBytesAsync(local["down.bin"], data[..400_000]);
        var get = await NetkitAsync(["ftp", "get", "-c", "up.bin", local["down.bin"], .. Login(server)]);
        Assert.Contains("resumed at 400000", get.Stderr, StringComparison.Ordinal);
        Assert.Equal(data, await File.ReadAllBytesAsync(local["down.bin"]));
    }

    [Fact]
    public async Task Url_givesServerUserAndPath_andTraceHidesThePassword()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "a b.txt"), "url\n");
        using var local = FtpPeers.TempDirectory();
        var url = $"ftp://{FtpTestServer.User}:{FtpTestServer.Password}@127.0.0.1:{server.Port}/a%20b.txt";
        var run = await NetkitAsync("ftp", "get", url, local["a.txt"], "--trace");
        Assert.Equal("url\n", await File.ReadAllTextAsync(local["a.txt"]));
        Assert.Contains("C: PASS ********", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain($"PASS {FtpTestServer.Password}", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_areOneLineAndExitCodes()
    {
        await using var server = await FtpTestServer.StartAsync();
        var missing = await NetkitCli.RunAsync(["ftp", "get", "nothing.bin", "/tmp/nk-never-written", .. Login(server)]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Single(missing.StderrLines);
        Assert.Contains("550", missing.Stderr, StringComparison.Ordinal);

        var wrong = await NetkitCli.RunAsync("ftp", "ls", "--server", $"127.0.0.1:{server.Port}", "--user", FtpTestServer.User, "--password", "bad");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("530", wrong.Stderr, StringComparison.Ordinal);

        var usage = await NetkitCli.RunAsync("ftp", "ls");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--server", usage.Stderr, StringComparison.Ordinal);
    }
}
