using NetKit.Tests.Support;

namespace NetKit.Tests.Web;

/// <summary>Where the browser tests' programs are: node, chromium, and tests/browser with its node_modules.</summary>
internal static class BrowserTestFiles
{
    private const string Install = "run tests/install-peers.sh (it installs chromium and runs npm ci in tests/browser)";

    public static string Node => PeerPrograms.Require("node", "nodejs");

    public static string Chromium
    {
        get
        {
            const string path = "/usr/bin/chromium";
            Assert.True(File.Exists(path), $"{path} is missing; {Install}.");
            return path;
        }
    }

    /// <summary>tests/browser of the source tree (the scripts run from there, beside their node_modules).</summary>
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var folder = Path.Combine(dir.FullName, "tests", "browser");
                if (File.Exists(Path.Combine(dir.FullName, "NetKit.slnx")) && Directory.Exists(folder))
                {
                    Assert.True(
                        File.Exists(Path.Combine(folder, "node_modules", "playwright-core", "package.json")),
                        $"playwright-core is not installed in {folder}; {Install}.");
                    return folder;
                }
            }

            Assert.Fail($"no tests/browser folder above {AppContext.BaseDirectory}");
            return "";
        }
    }
}
