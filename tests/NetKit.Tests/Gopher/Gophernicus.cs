using System.Net;
using System.Net.Sockets;
using NetKit.Tests.Support;

namespace NetKit.Tests.Gopher;

/// <summary>
/// Gophernicus (Debian's gophernicus), a Gopher server nobody here wrote, run the
/// inetd way under socat on a free loopback port with a temporary root. It refuses
/// to run as root, so under root socat starts it as nobody.
/// </summary>
public sealed class Gophernicus : IAsyncDisposable
{
    public const string Program = "/usr/sbin/gophernicus";

    private readonly ChildProcess _socat;

    private Gophernicus(ChildProcess socat, string root, int port)
    {
        _socat = socat;
        Root = root;
        Port = port;
    }

    public string Root { get; }

    public int Port { get; }

    /// <summary>Starts it over a root that <paramref name="populate"/> fills (made readable to everyone afterwards).</summary>
    public static async Task<Gophernicus> StartAsync(Action<string> populate)
    {
        Assert.True(File.Exists(Program), $"{Program} is missing; install it: apt-get install -y gophernicus");
        var socat = PeerPrograms.Socat;
        var root = Directory.CreateTempSubdirectory("nk-gophernicus-").FullName;
        populate(root);
        if (!OperatingSystem.IsWindows())
        {
            OpenToAll(root);
        }

        var port = LoopbackPorts.Free();
        var exec = $"EXEC:\"{Program} -h 127.0.0.1 -p {port} -r {root} -nv -nf\"" + (Environment.UserName == "root" ? ",su=nobody" : "");
        var process = ChildProcess.Start(socat, [$"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", exec]);
        var server = new Gophernicus(process, root, port);
        for (var waited = 0; !await LoopbackPorts.IsListeningAsync(port); waited += 50)
        {
            if (waited > 10_000 || process.HasExited)
            {
                await server.DisposeAsync();
                Assert.Fail($"socat with gophernicus did not listen on port {port}.\n{process.Output()}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _socat.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Gophernicus serves only what everyone may read.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void OpenToAll(string root)
    {
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            entry.UnixFileMode = entry is DirectoryInfo ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100;
        }
    }
}
