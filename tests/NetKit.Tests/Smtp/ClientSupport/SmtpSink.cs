using System.Net;
using System.Net.Sockets;
using NetKit.Tests.Support;

namespace NetKit.Tests.Smtp.ClientSupport;

/// <summary>Postfix's smtp-sink (Debian package postfix) on a free loopback port, dumping what it receives to a file.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string Program = "/usr/sbin/smtp-sink";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private SmtpSink(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    private string DumpPath => Path.Combine(_directory, "dump");

    /// <summary>Starts smtp-sink with extra options (e.g. "-f", "RCPT" to refuse every recipient).</summary>
    public static async Task<SmtpSink> StartAsync(params string[] options)
    {
        Assert.True(File.Exists(Program), $"{Program} is missing; install it: apt-get install -y postfix");
        var directory = Directory.CreateTempSubdirectory("netkit-smtp-sink-").FullName;
        // smtp-sink drops root for "nobody", who must be able to write the dump.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        }
        var port = LoopbackPorts.Free();
        List<string> arguments = Environment.UserName == "root" ? ["-u", "nobody"] : [];
        arguments.AddRange(options);
        arguments.AddRange(["-D", Path.Combine(directory, "dump"), $"127.0.0.1:{port}", "100"]);
        var process = ChildProcess.Start(Program, arguments);
        var sink = new SmtpSink(process, directory, port);
        for (var waited = 0; !await LoopbackPorts.IsListeningAsync(port); waited += 50)
        {
            if (waited > 10_000 || process.HasExited)
            {
                await sink.DisposeAsync();
                Assert.Fail($"smtp-sink did not start listening on port {port}.\n{process.Output()}");
            }

            await Task.Delay(50);
        }

        return sink;
    }

    /// <summary>The dump once it holds <paramref name="expectedMessages"/> messages (smtp-sink writes it as they come).</summary>
    public async Task<string> DumpAsync(int expectedMessages)
    {
        for (var waited = 0; ; waited += 50)
        {
            var text = File.Exists(DumpPath) ? await File.ReadAllTextAsync(DumpPath) : "";
            var count = text.Split("X-Client-Addr:").Length - 1;
            if (count >= expectedMessages)
            {
                return text;
            }

            Assert.True(waited < 10_000, $"smtp-sink dumped {count} of {expectedMessages} messages.\n{_process.Output()}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
