using System.Globalization;
using System.Text.RegularExpressions;

namespace NetKit.Tests.Support;

/// <summary>The Python peers in tests/interop/ (copied to the test output's interop/ folder).</summary>
public static partial class InteropScripts
{
    public static string PathOf(string script)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "interop", script);
        Assert.True(File.Exists(path), $"{script} is not in the test output ({path}); the csproj copies tests/interop/** there.");
        return path;
    }

    /// <summary>`python3 SCRIPT ARGS...` to its end.</summary>
    public static Task<ProcessResult> RunAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync(PeerPrograms.Python3, ["-u", PathOf(script), .. arguments], timeout: TimeSpan.FromSeconds(30));

    /// <summary>Starts a Python server that prints its port as the last word of its first line; returns it and the port.</summary>
    public static async Task<(ChildProcess Server, int Port)> StartServerAsync(string script, params string[] arguments)
    {
        var server = ChildProcess.Start(PeerPrograms.Python3, ["-u", PathOf(script), .. arguments]);
        try
        {
            var line = await server.WaitForLineAsync(l => PortAtEnd().IsMatch(l), TimeSpan.FromSeconds(30), "its port");
            return (server, int.Parse(PortAtEnd().Match(line).Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex(@"(\d+)\s*$")]
    private static partial Regex PortAtEnd();
}
