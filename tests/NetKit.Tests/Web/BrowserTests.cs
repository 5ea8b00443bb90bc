using NetKit.Tests.Support;
using Xunit.Abstractions;

namespace NetKit.Tests.Web;

/// <summary>
/// The web console end to end in a real headless browser: Debian's chromium,
/// driven by playwright-core (tests/browser/*.mjs, installed by tests/install-peers.sh),
/// against `netkit serve web ...` on free loopback ports with a data directory of its own.
/// Mail arrives over SMTP from Python's smtplib, news over NNTP from nntplib, while the page is open.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    [Fact]
    public Task Console_mailSentOverSmtp_appearsLiveRendersCyrillicDownloadsAndDeletes() =>
        RunScriptAsync("mail-e2e.mjs", expectedSteps: 14);

    [Fact]
    public Task Console_hostileHtml_runsNoScriptAndLoadsNothingUntilRemoteContentIsAllowed() =>
        RunScriptAsync("security-e2e.mjs", expectedSteps: 5);

    [Fact]
    public async Task Console_newsAndFiles_threadArticlesAndBrowseAndDownloadFtpAndGopherRoots()
    {
        var data = Directory.CreateTempSubdirectory("netkit-browser-test-").FullName;
        string[] roots = [Path.Combine(data, "ftp"), Path.Combine(data, "gopher")];
        foreach (var root in roots)
        {
            Directory.CreateDirectory(root);
        }

        await RunScriptAsync(
            "browse-e2e.mjs",
            expectedSteps: 5,
            data,
            ["nntp=127.0.0.1:0", "ftp=127.0.0.1:0", "gopher=127.0.0.1:0", "--newsgroup", "netkit.test", "--ftp-root", roots[0], "--gopher-root", roots[1]],
            serve => ["--nntp", $"127.0.0.1:{serve.Port("nntp")}", "--group", "netkit.test", "--ftp-root", roots[0], "--gopher-root", roots[1]]);
    }

    private Task RunScriptAsync(string script, int expectedSteps) =>
        RunScriptAsync(
            script,
            expectedSteps,
            Directory.CreateTempSubdirectory("netkit-browser-test-").FullName,
            ["smtp=127.0.0.1:0", "--catch-all"],
            serve => ["--smtp", $"127.0.0.1:{serve.Port("smtp")}"]);

    /// <summary>
    /// Starts `netkit serve web=127.0.0.1:0 SERVICES... --data DATA` (DATA is deleted at the end),
    /// runs `node tests/browser/SCRIPT --web URL --out SCREENSHOTS ARGS...` and checks it passed every step.
    /// </summary>
    private async Task RunScriptAsync(string script, int expectedSteps, string data, string[] services, Func<ServeProcess, string[]> scriptArguments)
    {
        var browserTests = BrowserTestFiles.Folder;
        var name = Path.GetFileNameWithoutExtension(script);
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        foreach (var old in Directory.Exists(screenshots) ? Directory.GetFiles(screenshots, $"{name}-*") : [])
        {
            File.Delete(old);
        }

        try
        {
            await using var serve = await ServeProcess.StartAsync(["web=127.0.0.1:0", "--data", data, .. services]);
            var result = await ProcessRunner.RunAsync(
                BrowserTestFiles.Node,
                [Path.Combine(browserTests, script),
                    "--web", $"http://127.0.0.1:{serve.Port("web", "http")}",
                    "--out", screenshots,
                    "--chromium", BrowserTestFiles.Chromium,
                    .. scriptArguments(serve)],
                timeout: TimeSpan.FromSeconds(90));
            output.WriteLine(result.ToString());
            output.WriteLine($"screenshots: {screenshots}");
            Assert.True(result.ExitCode == 0, $"{result}\n--- netkit serve:\n{serve.Process.Output()}");
            Assert.Contains($"PASS {name}", result.Stdout, StringComparison.Ordinal);
            Assert.Equal(expectedSteps, result.Stdout.Split('\n').Count(line => line.StartsWith("ok - ", StringComparison.Ordinal)));
            Assert.NotEmpty(Directory.GetFiles(screenshots, $"{name}-*.png"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
