using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Ftp;

/// <summary>Our client against servers nobody here wrote: pyftpdlib (plain and AUTH TLS) and vsftpd.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FtpClientInteropTests
{
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Client_againstPyftpdlib_doesEverything(bool tls, bool passive)
    {
        using var root = FtpPeers.TempDirectory();
        using var certificates = FtpPeers.TempDirectory();
        List<string> arguments = [InteropScripts.PathOf("ftp_pyftpdlib_server.py"), root.Path, "bob", "pw"];
        if (tls)
        {
            using var certificate = TlsCertificates.CreateSelfSigned();
            await File.WriteAllTextAsync(certificates["server.pem"], certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n");
            arguments.Add(certificates["server.pem"]);
        }

        await using var server = ChildProcess.Start(FtpPeers.DebianPython, ["-u", .. arguments]);
        var line = await server.WaitForLineAsync(l => l.StartsWith("listening on port", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "its port");
        var port = int.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);

        var trace = new StringWriter();
        await using var client = await FtpClient.ConnectAsync("127.0.0.1", port, new FtpClientOptions
        {
            AcceptAnyCertificate = true,
            Passive = passive,
            Timeout = TimeSpan.FromSeconds(10),
            Trace = new WireTrace(trace, TraceRole.Client),
        });
        if (tls)
        {
            await client.AuthTlsAsync();
        }

        await client.LoginAsync("bob", "pw");
        await ExerciseAsync(client, root.Path);
        Assert.DoesNotContain("PASS pw", trace.ToString(), StringComparison.Ordinal);
        await client.QuitAsync();
    }

    [Fact]
    public async Task Client_againstVsftpd_doesEverything()
    {
        using var root = FtpPeers.TempDirectory();
        File.SetUnixFileMode(root.Path, (UnixFileMode)0b111_101_101);
        var upload = Directory.CreateDirectory(root["up"]).FullName;
        var port = LoopbackPorts.Free();
        var config = Path.Combine(Path.GetTempPath(), $"nk-vsftpd-{Guid.NewGuid():N}.conf");
        var settings = new List<string>
        {
            "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", $"listen_port={port}", "background=NO",
            "anonymous_enable=YES", $"anon_root={root.Path}", "no_anon_password=YES", "local_enable=NO",
            "write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES",
            "anon_umask=022", "seccomp_sandbox=NO", "xferlog_enable=NO", "utf8_filesystem=YES",
        };
        if (Environment.UserName == "root")
        {
            // vsftpd refuses a writable anonymous root; its upload folder belongs to its "ftp" user.
            var chown = await ProcessRunner.RunAsync("chown", ["ftp", upload]);
            Assert.True(chown.ExitCode == 0, chown.ToString());
        }
        else
        {
            settings.Add("run_as_launching_user=YES");
        }

        await File.WriteAllLinesAsync(config, settings);
        await using var server = ChildProcess.Start(FtpPeers.Vsftpd, [config]);
        try
        {
            var client = await ConnectWhenReadyAsync(port, server);
            await using (client)
            {
                await client.LoginAsync();
                await client.CwdAsync("up");
                await ExerciseAsync(client, upload);
                await client.QuitAsync();
            }
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>The same work against any server: directories, uploads and downloads byte-exact with resume, listings, renames.</summary>
    private static async Task ExerciseAsync(FtpClient client, string serverDirectory)
    {
        var start = await client.PwdAsync();
        var folder = await client.MkdAsync("папка с пробелом");
        Assert.EndsWith("папка с пробелом", folder, StringComparison.Ordinal);
        await client.CwdAsync("папка с пробелом");
        Assert.EndsWith("/папка с пробелом", await client.PwdAsync(), StringComparison.Ordinal);
        var data = RandomNumberGenerator.GetBytes(1_500_001);
        var reported = 0L;
        await client.UploadAsync("файл.bin", new MemoryStream(data[..500_000]), progress: new Progress(n => reported = n));
        Assert.Equal(500_000, reported);
        Assert.Equal(500_000, await client.SizeAsync("файл.bin"));
        await client.UploadAsync("файл.bin", new MemoryStream(data[500_000..]), offset: 500_000);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(serverDirectory, "папка с пробелом", "файл.bin")));
        await client.UploadAsync("empty", new MemoryStream());

        var back = new MemoryStream();
        await client.DownloadAsync("файл.bin", back);
        Assert.Equal(data, back.ToArray());
        var tail = new MemoryStream();
        await client.DownloadAsync("файл.bin", tail, offset: 1_000_000);
        Assert.Equal(data[1_000_000..], tail.ToArray());

        var list = await client.ListAsync();
        Assert.Equal(data.Length, list.Single(e => e.Name == "файл.bin").Size);
        Assert.Equal(0, list.Single(e => e.Name == "empty").Size);
        var names = await client.NlstAsync();
        Assert.Contains(names, n => n.EndsWith("файл.bin", StringComparison.Ordinal));
        if ((await client.FeaturesAsync()).Any(f => f.StartsWith("MLST", StringComparison.OrdinalIgnoreCase)))
        {
            var mlsd = await client.MlsdAsync();
            Assert.Equal(data.Length, mlsd.Single(e => e.Name == "файл.bin").Size);
        }

        var modified = await client.ModifiedTimeAsync("файл.bin");
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - modified).TotalMinutes) < 10, modified.ToString(CultureInfo.InvariantCulture));
        await client.RenameAsync("файл.bin", "renamed.bin");
        var missing = await Assert.ThrowsAsync<FtpCommandException>(() => client.SizeAsync("файл.bin"));
        Assert.Equal(550, missing.Code);
        await client.DeleteAsync("renamed.bin");
        await client.DeleteAsync("empty");
        await client.CwdAsync("..");
        Assert.Equal(start, await client.PwdAsync());
        await client.RmdAsync("папка с пробелом");
        Assert.Empty(Directory.EnumerateFileSystemEntries(serverDirectory));
    }

    private static async Task<FtpClient> ConnectWhenReadyAsync(int port, ChildProcess server)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await FtpClient.ConnectAsync("127.0.0.1", port, new FtpClientOptions { Timeout = TimeSpan.FromSeconds(10) });
            }
            catch (NetKitException) when (attempt < 100 && !server.HasExited)
            {
                await Task.Delay(50);
            }
            catch (NetKitException ex)
            {
                Assert.Fail($"vsftpd did not accept connections: {ex.Message}\n{server.Output()}");
            }
        }
    }


    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
