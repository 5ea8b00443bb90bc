using System.Security.Cryptography;
using System.Text;
using NetKit.Ftp;
using NetKit.Ftp.Client;

namespace NetKit.Tests.Ftp;

/// <summary>Our client against our server, over loopback.</summary>
public class FtpLoopbackTests
{
    [Fact]
    public async Task Login_wrongPassword_throwsCommandExceptionWith530()
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync(login: false);
        var ex = await Assert.ThrowsAsync<FtpCommandException>(() => client.LoginAsync(FtpTestServer.User, "wrong"));
        Assert.Equal(530, ex.Code);
    }

    [Fact]
    public async Task UploadDownload_binaryFile_roundTripsByteExact()
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await client.UploadAsync("blob.bin", new MemoryStream(data));
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "blob.bin")));
        var back = new MemoryStream();
        await client.DownloadAsync("blob.bin", back);
        Assert.Equal(data, back.ToArray());
        Assert.Equal(data.Length, await client.SizeAsync("blob.bin"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task UploadDownload_tinyFiles_roundTrip(int size)
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var data = RandomNumberGenerator.GetBytes(size);
        await client.UploadAsync("tiny", new MemoryStream(data));
        var back = new MemoryStream();
        await client.DownloadAsync("tiny", back);
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    public async Task Directories_mkdCwdPwdRenameDelete_work()
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        Assert.Equal("/", await client.PwdAsync());
        Assert.Equal("/папка с пробелом", await client.MkdAsync("папка с пробелом"));
        await client.CwdAsync("папка с пробелом");
        Assert.Equal("/папка с пробелом", await client.PwdAsync());
        await client.UploadAsync("файл 1.txt", new MemoryStream("hello"u8.ToArray()));
        await client.RenameAsync("файл 1.txt", "/moved.txt");
        await client.CwdAsync("..");
        Assert.Equal("/", await client.PwdAsync());
        var names = await client.NlstAsync();
        Assert.Contains("moved.txt", names);
        Assert.Contains("папка с пробелом", names);
        await client.DeleteAsync("moved.txt");
        await client.RmdAsync("папка с пробелом");
        Assert.Empty(await client.NlstAsync());
    }

    [Fact]
    public async Task ListAndMlsd_parseEntriesWithSizesAndTypes()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "a file.txt"), new byte[1234]);
        Directory.CreateDirectory(Path.Combine(server.UserRoot, "sub"));
        await using var client = await server.ConnectAsync();
        var list = await client.ListAsync();
        Assert.Equal(1234, list.Single(e => e.Name == "a file.txt").Size);
        Assert.Equal(FtpEntryType.Directory, list.Single(e => e.Name == "sub").Type);
        var mlsd = await client.MlsdAsync();
        Assert.Equal(1234, mlsd.Single(e => e.Name == "a file.txt").Size);
        Assert.True(mlsd.Single(e => e.Name == "sub").IsDirectory);
        var mlst = await client.MlstAsync("a file.txt");
        Assert.Equal(FtpEntryType.File, mlst.Type);
        Assert.Equal(1234, mlst.Size);
        var modified = await client.ModifiedTimeAsync("a file.txt");
        Assert.True(Math.Abs((modified - File.GetLastWriteTimeUtc(Path.Combine(server.UserRoot, "a file.txt"))).TotalSeconds) < 2);
    }

    [Fact]
    public async Task Download_withOffset_resumesFromThere()
    {
        await using var server = await FtpTestServer.StartAsync();
        var data = RandomNumberGenerator.GetBytes(100_000);
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "f"), data);
        await using var client = await server.ConnectAsync();
        var back = new MemoryStream();
        await client.DownloadAsync("f", back, offset: 60_000);
        Assert.Equal(data[60_000..], back.ToArray());
    }

    [Fact]
    public async Task Upload_withOffset_continuesThePartialFile()
    {
        await using var server = await FtpTestServer.StartAsync();
        var data = RandomNumberGenerator.GetBytes(100_000);
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "f"), data[..40_000]);
        await using var client = await server.ConnectAsync();
        await client.UploadAsync("f", new MemoryStream(data[40_000..]), offset: 40_000);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(server.UserRoot, "f")));
        await client.UploadAsync("f", new MemoryStream("tail"u8.ToArray()), append: true);
        Assert.Equal(data.Length + 4, new FileInfo(Path.Combine(server.UserRoot, "f")).Length);
    }

    [Fact]
    public async Task Progress_reportsEveryByteUploaded()
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var reported = 0L;
        var progress = new SyncProgress(n => reported = n);
        await client.UploadAsync("p", new MemoryStream(new byte[500_000]), progress: progress);
        Assert.Equal(500_000, reported);
    }

    [Fact]
    public async Task AuthTls_withProtP_transfersOverTls()
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync(login: false);
        await client.AuthTlsAsync();
        await client.LoginAsync(FtpTestServer.User, FtpTestServer.Password);
        Assert.True(client.IsTls);
        Assert.True(client.ProtectData);
        var data = RandomNumberGenerator.GetBytes(200_000);
        await client.UploadAsync("secret.bin", new MemoryStream(data));
        var back = new MemoryStream();
        await client.DownloadAsync("secret.bin", back);
        Assert.Equal(data, back.ToArray());
        Assert.Single(await client.MlsdAsync());
    }

    [Fact]
    public async Task ImplicitTls_connectsAndTransfers()
    {
        await using var server = await FtpTestServer.StartAsync(implicitTls: true);
        await using var client = await server.ConnectAsync(new FtpClientOptions { ImplicitTls = true, AcceptAnyCertificate = true });
        await client.UploadAsync("x", new MemoryStream("implicit"u8.ToArray()));
        Assert.Equal("implicit", await File.ReadAllTextAsync(Path.Combine(server.UserRoot, "x")));
    }

    [Fact]
    public async Task ActiveMode_usesEprtAndTransfers()
    {
        await using var server = await FtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync(new FtpClientOptions { Passive = false, Timeout = TimeSpan.FromSeconds(10) });
        var data = RandomNumberGenerator.GetBytes(300_000);
        await client.UploadAsync("active.bin", new MemoryStream(data));
        var back = new MemoryStream();
        await client.DownloadAsync("active.bin", back);
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    public async Task AsciiMode_convertsLineEndsBothWays()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.UserRoot, "unix.txt"), "one\ntwo\n");
        await using var client = await server.ConnectAsync();
        var lines = new List<string>();
        await foreach (var line in client.RetrLinesAsync("RETR unix.txt"))
        {
            lines.Add(line);
        }

        Assert.Equal(["one", "two"], lines);
        Assert.Equal(200, (await client.SendCommandAsync("TYPE A")).Code);
        Assert.Equal(227, (await client.SendCommandAsync("PASV")).Code);
    }

    [Fact]
    public async Task AsciiUpload_crlfSplitAcrossBuffers_isStoredWithLf()
    {
        // A 997-byte buffer: line ends fall on every kind of edge between the reads and the writes.
        await using var server = await FtpTestServer.StartAsync(o => o with { TransferBufferSize = 997 });
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"строка {i}\r\n")) + "без конца";
        using var session = await FtpRawSession.ConnectAsync(server);
        Assert.Equal(200, (await session.CommandAsync("TYPE A")).Code);
        using (var data = await session.OpenPassiveAsync())
        {
            Assert.Equal(150, (await session.CommandAsync("STOR text.txt")).Code);
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            for (var at = 0; at < bytes.Length; at += 1234)
            {
                await data.SendAsync(bytes.AsMemory(at, Math.Min(1234, bytes.Length - at)), System.Net.Sockets.SocketFlags.None);
            }

            data.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.Equal(226, (await session.ReadReplyAsync()).Code);
        }

        Assert.Equal(text.Replace("\r\n", "\n", StringComparison.Ordinal), await File.ReadAllTextAsync(Path.Combine(server.UserRoot, "text.txt")));
    }

    [Fact]
    public async Task Trace_redactsThePassword()
    {
        await using var server = await FtpTestServer.StartAsync();
        var trace = new StringWriter();
        await using var client = await server.ConnectAsync(new FtpClientOptions { Trace = new NetKit.Transport.WireTrace(trace, NetKit.Transport.TraceRole.Client) });
        var text = trace.ToString();
        Assert.Contains("C: PASS ********", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FtpTestServer.Password, text, StringComparison.Ordinal);
        Assert.Contains("C: USER alice", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_droppedMidDownload_abortsAndTheConnectionStaysUsable()
    {
        await using var server = await FtpTestServer.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(server.UserRoot, "big"), new byte[20 * 1024 * 1024]);
        await using var client = await server.ConnectAsync();
        await using (var stream = await client.OpenReadAsync("big"))
        {
            var buffer = new byte[1000];
            await stream.ReadExactlyAsync(buffer);
        }

        Assert.Equal("/", await client.PwdAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ipv6_epsvAndEprt_work_andPasvIsRefused(bool passive)
    {
        await using var server = await FtpTestServer.StartAsync(address: System.Net.IPAddress.IPv6Loopback);
        await using var client = await FtpClient.ConnectAsync("::1", server.Port, new FtpClientOptions { Passive = passive, Timeout = TimeSpan.FromSeconds(10) });
        await client.LoginAsync(FtpTestServer.User, FtpTestServer.Password);
        Assert.Equal(425, (await client.SendCommandAsync("PASV")).Code);
        Assert.Equal(522, (await client.SendCommandAsync("EPSV 1")).Code);
        var data = RandomNumberGenerator.GetBytes(100_000);
        await client.UploadAsync("v6.bin", new MemoryStream(data));
        var back = new MemoryStream();
        await client.DownloadAsync("v6.bin", back);
        Assert.Equal(data, back.ToArray());
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
