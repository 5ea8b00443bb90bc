using System.Globalization;
using System.Text.RegularExpressions;

namespace NetKit.Tests.Support;

/// <summary>
/// A running `netkit serve SERVICE=ENDPOINT...` process. Ask for port 0; the
/// real ports are read from the table it prints before
/// <c>netkit: serving; Ctrl+C stops.</c>. Stopped with SIGTERM, killed on dispose.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    public const string ReadyLine = "netkit: serving; Ctrl+C stops.";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ServeProcess(ChildProcess process, IReadOnlyList<(string Service, string Endpoint)> listeners)
    {
        Process = process;
        Listeners = listeners;
    }

    public ChildProcess Process { get; }

    /// <summary>The rows of the table: service and where it listens (tcp://127.0.0.1:N, udp://..., http://... for web, unix:/path, unixgram:/path).</summary>
    public IReadOnlyList<(string Service, string Endpoint)> Listeners { get; }

    public static async Task<ServeProcess> StartAsync(params string[] arguments)
    {
        var process = NetkitCli.Start(["serve", .. arguments]);
        try
        {
            await process.WaitForLineAsync(l => l.Trim() == ReadyLine, StartTimeout, $"\"{ReadyLine}\"");
            var listeners = process.Stdout.Split('\n')
                .Select(line => TableRow().Match(line))
                .Where(m => m.Success)
                .Select(m => (m.Groups["service"].Value, m.Groups["endpoint"].Value))
                .ToList();
            Assert.True(listeners.Count > 0, $"netkit serve printed no table rows.\n{process.Output()}");
            return new ServeProcess(process, listeners);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port <paramref name="service"/> listens on over <paramref name="scheme"/> (tcp, udp, tls), from the table.</summary>
    public int Port(string service, string scheme = "tcp")
    {
        var prefix = scheme + "://";
        var endpoint = Listeners.FirstOrDefault(l => l.Service == service && l.Endpoint.StartsWith(prefix, StringComparison.Ordinal)).Endpoint;
        Assert.True(endpoint is not null, $"netkit serve's table has no {scheme} row for {service}.\n{Process.Output()}");
        var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.InRange(port, 1, 65535);
        return port;
    }

    /// <summary>Sends SIGTERM (or another signal) and returns the exit code.</summary>
    public Task<int> StopAsync(string signal = "TERM") => Process.SignalAndWaitAsync(signal, TimeSpan.FromSeconds(30));

    /// <summary>SIGKILL: no clean stop, no flush; waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        Assert.True(Posix.Kill(Process.Id, 9) == 0, "kill -9 failed");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Process.HasExited)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "netkit serve still runs 30 s after SIGKILL");
            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    /// <summary>A short Unix socket path of its own for one test (sun_path holds 108 bytes).</summary>
    public static string NewUnixPath(string tag) =>
        Path.Combine("/tmp", $"nk-{tag}-{Guid.NewGuid().ToString("N")[..10]}.sock");

    [GeneratedRegex(@"^\s*(?<service>[a-z][a-z0-9]*)\s+(?<endpoint>(?:tcp|udp|tls|http)://\S+|unix(?:gram)?:\S+)\s*$")]
    private static partial Regex TableRow();
}
