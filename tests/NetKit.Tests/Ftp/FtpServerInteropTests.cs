using System.Security.Cryptography;
using System.Text.Json;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>Clients nobody here wrote against our server: Python's ftplib and curl (lftp: <see cref="FtpLftpTests"/>).</summary>
public class FtpServerInteropTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("tls")]
    public async Task Ftplib_fullSession_worksAndRoundTripsBytes(string mode)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(1_000_003);
        await File.WriteAllBytesAsync(local["upload.bin"], data);

        var run = await FtpPeers.PythonAsync("ftp_ftplib_client.py", "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), FtpTestServer.User, FtpTestServer.Password, mode, local.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.StartsWith("220", result.GetProperty("welcome").GetString(), StringComparison.Ordinal);
        Assert.Equal("/", result.GetProperty("pwd").GetString());
        Assert.Equal("/папка с пробелом", result.GetProperty("pwd2").GetString());
        Assert.Equal(data.Length, result.GetProperty("size").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), result.GetProperty("sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data.AsSpan(data.Length / 2))), result.GetProperty("sha256_tail").GetString());
        Assert.Equal(["файл.bin"], result.GetProperty("nlst").EnumerateArray().Select(e => e.GetString()));
        var mlsd = result.GetProperty("mlsd");
        Assert.Equal("file", mlsd.GetProperty("файл.bin").GetProperty("type").GetString());
        Assert.Equal(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), mlsd.GetProperty("файл.bin").GetProperty("size").GetString());
        Assert.Contains("файл.bin", result.GetProperty("list")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["line one", "line two"], result.GetProperty("text").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("550", result.GetProperty("escape").GetString(), StringComparison.Ordinal);
        Assert.Contains("MLST", result.GetProperty("feat").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.UserRoot));
    }

    private static string Url(FtpTestServer server, string path) =>
        $"ftp://{FtpTestServer.User}:{FtpTestServer.Password}@127.0.0.1:{server.Port}/{path}";

    private static async Task<ProcessResult> CurlAsync(params string[] arguments)
    {
        var run = await ProcessRunner.RunAsync(FtpPeers.Curl, ["--silent", "--show-error", "--max-time", "30", .. arguments]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_uploadListDownloadAndResume_work(bool tls)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(2_000_000);
        await File.WriteAllBytesAsync(local["in.bin"], data);
        string[] secure = tls ? ["--ssl-reqd", "-k"] : [];

        await CurlAsync([.. secure, "--ftp-create-dirs", "-T", local["in.bin"], Url(server, "sub%20dir/file%20one.bin")]);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "sub dir", "file one.bin")));

        var list = await CurlAsync([.. secure, Url(server, "sub%20dir/")]);
        Assert.Contains("file one.bin", list.Stdout, StringComparison.Ordinal);

        await CurlAsync([.. secure, "-o", local["out.bin"], Url(server, "sub%20dir/file%20one.bin")]);
        Assert.Equal(data, await File.ReadAllBytesAsync(local["out.bin"]));

        // Download resume: a partial local file continues with REST.
        await File.WriteAllBytesAsync(local["part.bin"], data[..700_000]);
        await CurlAsync([.. secure, "-C", "-", "-o", local["part.bin"], Url(server, "sub%20dir/file%20one.bin")]);
        Assert.Equal(data, await File.ReadAllBytesAsync(local["part.bin"]));

        // Upload resume: the server has the first part; curl asks SIZE and sends the rest.
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "resume.bin"), data[..1_234_567]);
        await CurlAsync([.. secure, "-C", "-", "-T", local["in.bin"], Url(server, "resume.bin")]);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "resume.bin")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_zeroAndOneByteAndCyrillicFiles_roundTripByteExact(bool tls)
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        string[] secure = tls ? ["--ssl-reqd", "-k"] : [];
        var files = new Dictionary<string, byte[]>
        {
            ["zero"] = [],
            ["one"] = [0x00],
            ["Отчёт за год.txt"] = "Привет, мир\r\nвторая строка\n"u8.ToArray(),
        };
        foreach (var (name, bytes) in files)
        {
            await File.WriteAllBytesAsync(local["up"], bytes);
            var remote = "папка/" + Uri.EscapeDataString(name);
            await CurlAsync([.. secure, "--ftp-create-dirs", "-T", local["up"], Url(server, remote)]);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "папка", name)));
            File.Delete(local["down"]);
            await CurlAsync([.. secure, "-o", local["down"], Url(server, remote)]);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(local["down"]));
        }

        var names = (await CurlAsync([.. secure, "--list-only", Url(server, "папка/")])).Stdout.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Curl_implicitFtps_downloadsAndUploads()
    {
        await using var server = await FtpTestServer.StartAsync(implicitTls: true);
        using var local = FtpPeers.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(400_000);
        await File.WriteAllBytesAsync(local["in.bin"], data);
        var url = $"ftps://{FtpTestServer.User}:{FtpTestServer.Password}@127.0.0.1:{server.Port}/";
        await CurlAsync("-k", "-T", local["in.bin"], url + "implicit.bin");
        await CurlAsync("-k", "-o", local["out.bin"], url + "implicit.bin");
        Assert.Equal(data, await File.ReadAllBytesAsync(local["out.bin"]));
        Assert.Contains("C: PROT P", server.Trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_activeModeAndEscapes_behave()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "a.txt"), "active\n");
        await CurlAsync("-P", "127.0.0.1", "-o", local["a.txt"], Url(server, "a.txt"));
        Assert.Equal("active\n", await File.ReadAllTextAsync(local["a.txt"]));
        var escape = await ProcessRunner.RunAsync(FtpPeers.Curl, ["--silent", "--max-time", "30", "-o", local["p"], Url(server, "..%2F..%2F..%2Fetc%2Fpasswd")]);
        Assert.NotEqual(0, escape.ExitCode);
        Assert.False(File.Exists(local["p"]) && new FileInfo(local["p"]).Length > 0);
    }
}
