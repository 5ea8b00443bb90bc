using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetKit.Net;
using NetKit.Telnet;
using NetKit.Tests.Support;

namespace NetKit.Tests.Telnet;

/// <summary>A `netkit serve telnet` process (with a data directory of its own) shared by the tests below.</summary>
public sealed class TelnetServeFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("netkit-telnet-test-").FullName;
    private ServeProcess? _serve;

    public int Port => (_serve ?? throw new InvalidOperationException("not started")).Port("telnet");

    public async Task InitializeAsync() => _serve = await ServeProcess.StartAsync("telnet=127.0.0.1:0", "--data", _data);

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}

// Peers nobody here wrote: Python's telnetlib and Debian's inetutils telnet against our server;
// our client against Debian's inetutils telnetd.
public class TelnetInteropTests(TelnetServeFixture fixture) : IClassFixture<TelnetServeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Telnetlib_defaultRefusesOptions_lineModeConsoleWorks()
    {
        var run = await InteropScripts.RunAsync("telnet_telnetlib.py", "127.0.0.1", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "refuse");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("МОРДНИЛАП", result.RootElement.GetProperty("reversed").GetString());
        // No echo in line mode: the answer follows the prompt directly.
        Assert.Equal("МОРДНИЛАП\r\nnetkit> ", result.RootElement.GetProperty("text").GetString());
        Assert.StartsWith("commands: help", result.RootElement.GetProperty("help").GetString(), StringComparison.Ordinal);
        Assert.Equal("bye\r\n", result.RootElement.GetProperty("rest").GetString());
    }

    [Fact]
    public async Task Telnetlib_acceptsEchoAndSga_serverEchoesInCharacterMode()
    {
        var run = await InteropScripts.RunAsync("telnet_telnetlib.py", "127.0.0.1", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "character");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("reverse ПАЛИНДРОМ\r\nМОРДНИЛАП\r\nnetkit> ", result.RootElement.GetProperty("text").GetString());
        var offers = result.RootElement.GetProperty("negotiated").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToList();
        Assert.Contains((251, 1), offers); // WILL ECHO
        Assert.Contains((253, 31), offers); // DO NAWS
    }

    [Fact]
    public async Task InetutilsTelnet_throughAPseudoTerminal_usesTheConsole()
    {
        var telnet = PeerPrograms.Require("inetutils-telnet", "inetutils-telnet");

        var run = await ProcessRunner.RunAsync(PeerPrograms.Python3,
            ["-u", InteropScripts.PathOf("telnet_inetutils_client.py"), "Connection closed", telnet, "127.0.0.1", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            timeout: TimeSpan.FromSeconds(40));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("netkit> reverse inetutils\r\nslituteni\r\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("bye", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetkitTelnet_interactiveThroughAPseudoTerminal_characterModeConsoleWorks()
    {
        var run = await ProcessRunner.RunAsync(PeerPrograms.Python3,
            ["-u", InteropScripts.PathOf("telnet_inetutils_client.py"), "connection closed", NetkitCli.DotnetHost, NetkitCli.DllPath,
                "telnet", "127.0.0.1:" + fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            timeout: TimeSpan.FromSeconds(40));

        Assert.True(run.ExitCode == 0, run.ToString());
        // The server echoes (character mode), so the typed command shows once, then the answer.
        // (The terminal's own output processing adds a CR before each LF: compare without CRs.)
        Assert.True(run.Stdout.Replace("\r", "", StringComparison.Ordinal).Contains("netkit> reverse inetutils\nslituteni\n", StringComparison.Ordinal), run.ToString());
        Assert.Contains("escape is Ctrl+]", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_againstInetutilsTelnetd_logsInToAScriptedDevice()
    {
        const string telnetd = "/usr/sbin/telnetd";
        Assert.True(File.Exists(telnetd), "inetutils telnetd is not installed; install it: apt-get install -y inetutils-telnetd");
        var device = Path.Combine(Directory.CreateTempSubdirectory("netkit-telnetd-").FullName, "device.sh");
        await File.WriteAllTextAsync(device, DeviceScript);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(device, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var port = LoopbackPorts.Free();
        await using var socat = ChildProcess.Start(PeerPrograms.Socat,
            [$"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", $"EXEC:{telnetd} -h -E {device}"]);
        try
        {
            var options = new TelnetClientOptions { Channel = new TelnetChannelOptions { TerminalType = "netkit-test", WindowSize = (100, 30) } };
            await using var client = await ConnectWithRetryAsync(port, options);

            await client.ReadUntilAsync("login: ", Wait);
            await client.WriteLineAsync("operator");
            await client.ReadUntilAsync("Password: ", Wait);
            await client.WriteLineAsync("s3cret");
            var login = await client.ExpectAsync([new Regex("Welcome, (\\w+)"), new Regex("Login incorrect")], Wait);
            var environment = await client.ReadUntilAsync("device# ", Wait);
            await client.WriteLineAsync("show version");
            var answer = await client.ReadUntilAsync("device# ", Wait);
            await client.WriteLineAsync("exit");
            await client.ReadToEndAsync();

            Assert.Equal(0, login.Index);
            Assert.Equal("operator", login.Match.Groups[1].Value);
            Assert.DoesNotContain("s3cret", login.Text, StringComparison.Ordinal); // The device turned echo off.
            Assert.Contains("TERM=netkit-test", environment, StringComparison.Ordinal); // TTYPE
            Assert.Contains("SIZE=30 100", environment, StringComparison.Ordinal); // NAWS
            Assert.Contains("you said: show version", answer, StringComparison.Ordinal);
            // telnetd closes when the program exits, and may drop its last words ("bye") as it
            // does: the session's end is the close, which ReadToEndAsync waited for.
            Assert.True(client.IsClosed);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(device)!, recursive: true);
        }
    }

    private const string DeviceScript = """
        #!/bin/sh
        printf 'login: '
        read user
        stty -echo
        printf 'Password: '
        read pass
        stty echo
        echo
        if [ "$pass" != "s3cret" ]; then echo "Login incorrect"; exit 1; fi
        echo "Welcome, $user"
        echo "TERM=$TERM"
        echo "SIZE=$(stty size)"
        while printf 'device# '; read cmd; do
          case "$cmd" in
            exit) echo bye; exit 0;;
            *) echo "you said: $cmd";;
          esac
        done

        """;

    /// <summary>socat needs a moment to listen: retry refused connections for a while.</summary>
    private static async Task<TelnetClient> ConnectWithRetryAsync(int port, TelnetClientOptions options)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TelnetClient.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", port), options);
            }
            catch (NetKitException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }
}
