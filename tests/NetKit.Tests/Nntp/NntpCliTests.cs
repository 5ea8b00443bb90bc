using System.Globalization;
using System.Text.Json;
using NetKit.Tests.Support;

namespace NetKit.Tests.Nntp;

/// <summary>`netkit nntp ...` against `netkit serve nntp`, as a user runs them.</summary>
public sealed class NntpCliTests
{
    [Fact]
    public async Task PostGroupsOverReadArticle_throughTheCli_work_andErrorsAreOneLine()
    {
        var data = Path.Combine(Path.GetTempPath(), "netkit-nntpcli-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var serve = await ServeProcess.StartAsync("nntp=0", "--data", data, "--newsgroup", "local.cli");
            var server = "127.0.0.1:" + serve.Port("nntp").ToString(CultureInfo.InvariantCulture);
            var post = await NetkitCli.RunAsync(["nntp", "post", "-s", server, "-g", "local.cli", "-f", "Ann <ann@example.com>", "--subject", "Hi there", "--json"], stdin: "first post\n");
            Assert.True(post.ExitCode == 0, post.ToString());
            var messageId = JsonDocument.Parse(post.Stdout).RootElement.GetProperty("messageId").GetString()!;

            var groups = await NetkitCli.RunAsync("nntp", "groups", "-s", server);
            Assert.Contains("local.cli\t1-1\ty", groups.Stdout, StringComparison.Ordinal);
            var over = await NetkitCli.RunAsync("nntp", "over", "local.cli", "1-", "-s", server);
            Assert.StartsWith("1\tHi there\tAnn <ann@example.com>", over.Stdout, StringComparison.Ordinal);
            var read = await NetkitCli.RunAsync("nntp", "read", "local.cli", "-s", server, "--json");
            Assert.True(read.ExitCode == 0, read.ToString());
            Assert.Equal("first post", JsonDocument.Parse(read.Stdout).RootElement.GetProperty("body").GetString()!.Trim());
            var article = await NetkitCli.RunAsync("nntp", "article", messageId, "-s", server);
            Assert.Contains("Subject: Hi there", article.Stdout, StringComparison.Ordinal);

            var missing = await NetkitCli.RunAsync("nntp", "read", "no.such.group", "-s", server);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("411", missing.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", missing.Stderr, StringComparison.Ordinal);
            var badRange = await NetkitCli.RunAsync("nntp", "over", "local.cli", "9-x", "-s", server);
            Assert.Equal(2, badRange.ExitCode);

            // `netkit news list` reads the store while the server holds it open.
            var list = await NetkitCli.RunAsync("news", "list", "--data", data, "--json");
            Assert.True(list.ExitCode == 0, list.ToString());
            var listed = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray());
            Assert.Equal("local.cli", listed.GetProperty("Name").GetString());
            Assert.Equal(1, listed.GetProperty("Count").GetInt64());
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task NewsList_withoutAStore_failsInOneLine_andCreatesNothing()
    {
        var data = Path.Combine(Path.GetTempPath(), "netkit-nntpcli-" + Guid.NewGuid().ToString("N"));
        var list = await NetkitCli.RunAsync("news", "list", "--data", data);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("no news store at", list.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", list.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }
}
