using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Faults;

// SIGKILL of `netkit serve ftp` while several clients STOR many files (some of several MB): after a
// restart on the same data directory every file that got 226 is complete (SHA-256), and no upload
// that was cut short is visible under its final name. The server writes a plain STOR to a temporary
// ".netkit-upload-*.part" name and renames it once complete; such leftovers are never listed.
public class FtpStorKillTests
{
    private const int Clients = 3;
    private const int AcknowledgedBeforeKill = 24;
    private const string UploadPrefix = ".netkit-upload-";

    [Fact]
    public async Task ServeFtp_sigkillDuringUploads_everyFileThatGot226IsComplete_noPartialFileUnderItsName()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, "carol", "pw-carol");
            string[] arguments = ["ftp=127.0.0.1:0", "--data", data];
            var burst = new KillDuringBurst();
            await using (var server = await ServeProcess.StartAsync(arguments))
            {
                var port = server.Port("ftp");
                await burst.RunAsync(server, Clients, AcknowledgedBeforeKill, (c, b) => UploadUntilBrokenAsync(port, c, b));
            }

            await using (var restarted = await ServeProcess.StartAsync(arguments))
            {
                await using var client = await LoginAsync(restarted.Port("ftp"));
                var listed = (await client.NlstAsync()).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
                Assert.DoesNotContain(listed, name => name!.StartsWith(UploadPrefix, StringComparison.Ordinal));

                // What is listed is whole: acknowledged, or (renamed just before the kill, 226 not yet read) complete anyway.
                foreach (var name in listed)
                {
                    Assert.True(burst.Sent.TryGetValue(name!, out var original), $"{name} is listed but was never sent");
                    using var copy = new MemoryStream();
                    await client.DownloadAsync(name!, copy);
                    Assert.True(SHA256.HashData(copy.ToArray()).AsSpan().SequenceEqual(SHA256.HashData(original)), $"{name}: {copy.Length} bytes listed, {original.Length} sent; a partial upload is visible under its final name");
                }

                burst.AssertNoneLost(listed!, "uploads");
                await restarted.StopAsync();
            }

            // On the disk too: every file under a final name is whole (temporary leftovers are allowed, unlisted).
            foreach (var path in Directory.EnumerateFiles(Path.Combine(data, "ftp", "carol")))
            {
                var name = Path.GetFileName(path);
                if (!name.StartsWith(UploadPrefix, StringComparison.Ordinal))
                {
                    Assert.True(SHA256.HashData(await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(SHA256.HashData(burst.Sent[name])), $"{name} on disk is not whole");
                }
            }

            Assert.True(burst.Acknowledged.Count >= AcknowledgedBeforeKill, $"{burst.Acknowledged.Count} acknowledged");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<FtpClient> LoginAsync(int port)
    {
        var client = await FtpClient.ConnectAsync("127.0.0.1", port, new FtpClientOptions { AcceptAnyCertificate = true });
        try
        {
            await client.AuthTlsAsync();
            await client.LoginAsync("carol", "pw-carol");
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>One client: one control connection, STOR after STOR (every fourth file 3 MB) until the server is gone.</summary>
    private static async Task UploadUntilBrokenAsync(int port, int client, KillDuringBurst burst)
    {
        try
        {
            await using var ftp = await LoginAsync(port);
            for (var n = 0; ; n++)
            {
                var name = $"c{client}-f{n}.bin";
                var content = new byte[n % 4 == 3 ? 3 * 1024 * 1024 : 10_000 + (n * 7919 % 90_000)];
                new Random((client * 1000) + n).NextBytes(content);
                burst.Sent[name] = content;
                await ftp.UploadAsync(name, new MemoryStream(content));
                burst.Acknowledged[name] = content;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or FtpProtocolException or ObjectDisposedException or AuthenticationException)
        {
            // The server is gone: the end of this client's uploads.
        }
    }
}
