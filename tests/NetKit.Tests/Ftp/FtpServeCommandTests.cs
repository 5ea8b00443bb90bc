using System.Net;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>`netkit serve ftp` as a process: users from `netkit users`, the root under the data directory, anonymous access, passive ports, implicit FTPS.</summary>
public sealed class FtpServeCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("netkit-ftp-serve-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task ServeFtp_usersFromTheStore_jailedUnderDataFtp()
    {
        await SmtpServeProcess.AddUserAsync(_data, "carol", "pw one");
        await using var serve = await ServeProcess.StartAsync("ftp=127.0.0.1:0", "--data", _data, "--ftp-passive-ports", "40100-40120");
        await using var client = await FtpClient.ConnectAsync("127.0.0.1", serve.Port("ftp"), new FtpClientOptions { AcceptAnyCertificate = true });
        await client.AuthTlsAsync();
        await client.LoginAsync("carol", "pw one");
        await client.UploadAsync("hello.txt", new MemoryStream("hi"u8.ToArray()));
        Assert.Equal("hi", await File.ReadAllTextAsync(Path.Combine(_data, "ftp", "carol", "hello.txt")));
        var pasv = await client.SendCommandAsync("PASV");
        Assert.True(FtpAddresses.TryParsePassiveReply(pasv.Text, out var endPoint), pasv.Text);
        Assert.InRange(endPoint.Port, 40100, 40120);
        Assert.Equal(0, await serve.StopAsync());
    }

    [Fact]
    public async Task ServeFtp_anonymousAndPublicAddressAndImplicitTls()
    {
        var root = Directory.CreateDirectory(Path.Combine(_data, "files")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "pub"));
        await File.WriteAllTextAsync(Path.Combine(root, "pub", "readme"), "public");
        await using var serve = await ServeProcess.StartAsync("ftp=127.0.0.1:0", "ftp=tls://127.0.0.1:0", "--data", _data, "--ftp-root", root, "--ftp-anonymous", "--ftp-public-address", "203.0.113.9");
        await using (var client = await FtpClient.ConnectAsync("127.0.0.1", serve.Port("ftp")))
        {
            await client.LoginAsync();
            var back = new MemoryStream();
            await client.DownloadAsync("readme", back);
            Assert.Equal("public"u8.ToArray(), back.ToArray());
            Assert.Contains("203,0,113,9", (await client.SendCommandAsync("PASV")).Text, StringComparison.Ordinal);
        }

        await using var secure = await FtpClient.ConnectAsync("127.0.0.1", serve.Port("ftp", "tls"), new FtpClientOptions { ImplicitTls = true, AcceptAnyCertificate = true });
        await secure.LoginAsync();
        Assert.Equal(["readme"], await secure.NlstAsync());
    }

    [Theory]
    [InlineData("--ftp-passive-ports", "10-20")]
    [InlineData("--ftp-passive-ports", "50000")]
    [InlineData("--ftp-passive-ports", "6000-5000")]
    [InlineData("--ftp-public-address", "not-an-address")]
    [InlineData("--ftp-public-address", "::1")]
    public async Task ServeFtp_badOptions_areUsageErrors(string option, string value)
    {
        var result = await NetkitCli.RunAsync(["serve", "ftp=127.0.0.1:0", "--data", _data, option, value], timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultPort_is2121() => Assert.Equal(2121, NetKit.Services.ServiceCatalog.Find("ftp")!.DefaultPort);

}
