namespace NetKit.Tests.Support;

/// <summary>Runs the real `netkit` CLI (NetKit.Cli.dll, copied next to the test assembly) as a child process.</summary>
public static class NetkitCli
{
    public static string DllPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "NetKit.Cli.dll");
            Assert.True(File.Exists(path), $"NetKit.Cli.dll is not next to the test assembly ({path}); the test project must reference src/NetKit.Cli.");
            return path;
        }
    }

    /// <summary>The dotnet host that runs the tests; it runs the CLI too.</summary>
    public static string DotnetHost
    {
        get
        {
            var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
            {
                return fromCli;
            }

            var self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    /// <summary>`netkit ARGS...` to its end; <paramref name="stdin"/> is written and closed.</summary>
    public static Task<ProcessResult> RunAsync(string[] arguments, string? stdin = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(DotnetHost, [DllPath, .. arguments], stdin, timeout);

    public static Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(arguments, null, null);

    /// <summary>Starts `netkit ARGS...` in the background.</summary>
    public static ChildProcess Start(params string[] arguments) => ChildProcess.Start(DotnetHost, [DllPath, .. arguments]);
}
