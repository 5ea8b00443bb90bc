namespace NetKit.Tests.Support;

/// <summary>
/// The real programs the interop tests talk to. A missing one fails the test
/// (never skips it) and says which Debian package to install.
/// </summary>
public static class PeerPrograms
{
    /// <summary>Python 3: runs the seed's programs in tests/interop/.</summary>
    public static string Python3 => Require("python3", "python3");

    /// <summary>OpenBSD netcat (its -N and -u flags are used; the traditional netcat has no -N).</summary>
    public static string Netcat
    {
        get
        {
            var nc = Require("nc", "netcat-openbsd");
            Assert.True(IsOpenBsdNetcat.Value, $"{nc} is not OpenBSD netcat (its usage does not mention -N); install it: apt-get install -y netcat-openbsd");
            return nc;
        }
    }

    public static string Socat => Require("socat", "socat");

    /// <summary>The full path of <paramref name="program"/> on PATH; fails the test, naming the package, when it is not there.</summary>
    public static string Require(string program, string debianPackage)
    {
        var found = Find(program);
        if (found is null)
        {
            Assert.Fail($"peer program \"{program}\" is not installed (not on PATH); install it: apt-get install -y {debianPackage}");
        }

        return found;
    }

    private static readonly Lazy<bool> IsOpenBsdNetcat = new(() =>
    {
        using var nc = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Find("nc")!, "-h")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var usage = nc.StandardError.ReadToEndAsync();
        var output = nc.StandardOutput.ReadToEnd();
        if (!nc.WaitForExit(10_000))
        {
            nc.Kill();
        }

        return (output + usage.Result).Contains("-N", StringComparison.Ordinal);
    });

    private static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}
