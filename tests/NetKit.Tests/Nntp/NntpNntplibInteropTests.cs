using NetKit.Tests.Support;

namespace NetKit.Tests.Nntp;

/// <summary>Python 3.11's nntplib (a client nobody here wrote) against `netkit serve nntp`.</summary>
public sealed class NntpNntplibInteropTests
{
    [Fact]
    public async Task Nntplib_postGroupOverArticleNewNewsStartTlsLogin_allWork()
    {
        var data = Path.Combine(Path.GetTempPath(), "netkit-nntplib-" + Guid.NewGuid().ToString("N"));
        try
        {
            var added = await NetkitCli.RunAsync("users", "add", "alice", "--password", "secret-pw", "--data", data);
            Assert.True(added.ExitCode == 0, added.ToString());
            var group = await NetkitCli.RunAsync("news", "add-group", "local.test", "--description", "Tests", "--data", data);
            Assert.True(group.ExitCode == 0, group.ToString());
            await using var serve = await ServeProcess.StartAsync("nntp=0", "--data", data);
            var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-u", InteropScripts.PathOf("nntp_nntplib.py"),
                serve.Port("nntp").ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", "secret-pw"], timeout: TimeSpan.FromSeconds(30));
            Assert.True(result.ExitCode == 0 && result.Stdout.Trim() == "ok", result + "\n--- server:\n" + serve.Process.Output());

            var list = await NetkitCli.RunAsync("news", "list", "--data", data);
            Assert.Contains("local.test\t1 articles\t1-1", list.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
