using System.Globalization;
using System.Text;
using NetKit.Nntp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Nntp;

/// <summary>tin (Debian's newsreader) in its batch mode against `netkit serve nntp`: it fetches and saves the group's new articles.</summary>
public sealed class NntpTinInteropTests
{
    [Fact]
    public async Task Tin_batchSave_readsEveryArticleOfASubscribedGroup()
    {
        var root = Path.Combine(Path.GetTempPath(), "netkit-tin-" + Guid.NewGuid().ToString("N"));
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        try
        {
            await using var serve = await ServeProcess.StartAsync("nntp=0", "--data", Path.Combine(root, "data"), "--newsgroup", "local.tin");
            var port = serve.Port("nntp");
            await using (var client = new NntpClient())
            {
                await client.ConnectAsync("127.0.0.1", port);
                for (var i = 1; i <= 2; i++)
                {
                    var article = $"From: Poster <poster@example.com>\r\nNewsgroups: local.tin\r\nSubject: for tin {i}\r\nMessage-ID: <tin-{i}@example.com>\r\n\r\nBody {i}.\r\n.a dotted line\r\n";
                    await client.PostAsync(Encoding.UTF8.GetBytes(article));
                }
            }

            await File.WriteAllTextAsync(Path.Combine(home, ".newsrc"), "local.tin:\n");
            // -r: NNTP; -n: only the .newsrc's groups; -q -d: no new-group or description questions; -S: save new news, then exit.
            var tin = await ProcessRunner.RunAsync(PeerPrograms.Require("tin", "tin"),
                ["-r", "-g", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-n", "-q", "-d", "-S", "-v"],
                timeout: TimeSpan.FromSeconds(30), environment: new Dictionary<string, string> { ["HOME"] = home, ["TERM"] = "dumb" });
            var saved = Path.Combine(home, "News", "local", "tin");
            Assert.True(Directory.Exists(saved), tin + "\n--- server:\n" + serve.Process.Output());
            var files = Directory.GetFiles(saved).Order().Select(File.ReadAllText).ToList();
            Assert.Equal(2, files.Count);
            Assert.Contains("Subject: for tin 1", files[0], StringComparison.Ordinal);
            Assert.Contains("\n.a dotted line", files[0], StringComparison.Ordinal);
            Assert.Contains("Subject: for tin 2", files[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
