using NetKit.Tests.Support;
using Xunit.Abstractions;

namespace NetKit.Tests.Web;

/// <summary>
/// The web console end to end in a real headless browser: Debian's chromium,
/// driven by playwright-core (tests/browser/*.mjs, installed by tests/install-peers.sh),
/// against `netkit serve smtp web` on free loopback ports with a data directory of its own.
/// Mail is sent over SMTP by Python's smtplib while the page is open.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    [Fact]
    public Task Console_mailSentOverSmtp_appearsLiveRendersCyrillicDownloadsAndDeletes() =>
        RunScriptAsync("mail-e2e.mjs", expectedSteps: 13);

    [Fact]
    public Task Console_hostileHtml_runsNoScriptAndLoadsNothingUntilRemoteContentIsAllowed() =>
        RunScriptAsync("security-e2e.mjs", expectedSteps: 5);

    private async Task RunScriptAsync(string script, int expectedSteps)
    {
        var browserTests = BrowserTestFiles.Folder;
        var name = Path.GetFileNameWithoutExtension(script);
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        foreach (var old in Directory.Exists(screenshots) ? Directory.GetFiles(screenshots, $"{name}-*") : [])
        {
            File.Delete(old);
        }

        var data = Directory.CreateTempSubdirectory("netkit-browser-test-").FullName;
        try
        {
            await using var serve = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "web=127.0.0.1:0", "--data", data, "--catch-all");
            var result = await ProcessRunner.RunAsync(
                BrowserTestFiles.Node,
                [Path.Combine(browserTests, script),
                    "--web", $"http://127.0.0.1:{serve.Port("web")}",
                    "--smtp", $"127.0.0.1:{serve.Port("smtp")}",
                    "--out", screenshots,
                    "--chromium", BrowserTestFiles.Chromium],
                timeout: TimeSpan.FromSeconds(50));
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
