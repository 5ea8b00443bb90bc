using NetKit.Tests.Support;

namespace NetKit.Tests.Faults;

// The SQLite store locked by another process or corrupted: the CLI and the server fail with a clear
// one-line error within the busy timeout ($NETKIT_BUSY_TIMEOUT, short here), never hang; a delivery
// while the store is locked is refused with a temporary 4xx reply.
public class StoreFaultTests
{
    private static readonly Dictionary<string, string> ShortBusyTimeout = new() { ["NETKIT_BUSY_TIMEOUT"] = "2" };

    [Fact]
    public async Task Serve_storeLockedByAnotherProcess_failsWithClearErrorNotHang()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await CreateStoreAsync(data);
            await using var locker = await LockAsync(data);
            var serve = await RunNetkitAsync(["serve", "smtp=127.0.0.1:0", "--data", data]);
            Assert.True(serve.ExitCode != 0, serve.ToString());
            AssertOneLineError(serve, "locked");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task SmtpDelivery_whileStoreLocked_isRefusedWith4xxNotHang()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await CreateStoreAsync(data);
            await using var server = ChildProcess.Start(NetkitCli.DotnetHost, [NetkitCli.DllPath, "serve", "smtp=127.0.0.1:0", "--data", data, "--catch-all"], ShortBusyTimeout);
            var ready = await server.WaitForLineAsync(l => l.Contains("tcp://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the smtp row");
            await server.WaitForLineAsync(l => l.Trim() == ServeProcess.ReadyLine, TimeSpan.FromSeconds(60), "the ready line");
            var port = int.Parse(ready.Trim()[(ready.Trim().LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

            await using (var locker = await LockAsync(data))
            {
                var (client, _) = await SmtpWireClient.ConnectEhloAsync(port);
                await using (client)
                {
                    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    var reply = await client.SendMailAsync("a@example.com", ["locked@example.com"], "Subject: while locked\r\n\r\nhello\r\n"u8.ToArray()).WaitAsync(limit.Token);
                    Assert.True(reply.Code is >= 400 and < 500, $"a delivery into a locked store: {reply}\n{server.Output()}");
                }
            }

            // The lock is gone: the same server stores again.
            var (again, _) = await SmtpWireClient.ConnectEhloAsync(port);
            await using (again)
            {
                var reply = await again.SendMailAsync("a@example.com", ["unlocked@example.com"], "Subject: after the lock\r\n\r\nhello\r\n"u8.ToArray());
                Assert.True(reply.Code == 250, $"after the lock was released: {reply}\n{server.Output()}");
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("mail", "list")]
    [InlineData("serve", "smtp=127.0.0.1:0")]
    public async Task Netkit_corruptMailDb_failsWithClearOneLineError(string command, string argument)
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            var garbage = new byte[64 * 1024];
            new Random(12).NextBytes(garbage);
            await File.WriteAllBytesAsync(Path.Combine(data, "mail.db"), garbage);
            var result = await RunNetkitAsync([command, argument, "--data", data]);
            Assert.True(result.ExitCode != 0, result.ToString());
            AssertOneLineError(result, "mail.db");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task CreateStoreAsync(string data) => await SmtpServeProcess.AddUserAsync(data, "bob", "pw-bob");

    /// <summary>Another process (Python's sqlite3) holding an exclusive lock on mail.db until it is killed.</summary>
    private static async Task<ChildProcess> LockAsync(string data)
    {
        var script = "import sqlite3,sys,time\n"
            + "c=sqlite3.connect(sys.argv[1],isolation_level=None)\n"
            + "c.execute('BEGIN EXCLUSIVE')\n"
            + "print('locked',flush=True)\n"
            + "time.sleep(120)\n";
        var locker = ChildProcess.Start("/usr/bin/python3", ["-c", script, Path.Combine(data, "mail.db")]);
        await locker.WaitForLineAsync(l => l == "locked", TimeSpan.FromSeconds(20), "locked");
        return locker;
    }

    /// <summary>`netkit ARGS` with a 2 s busy timeout; the 30 s limit would catch a hang.</summary>
    private static Task<ProcessResult> RunNetkitAsync(string[] arguments) =>
        ProcessRunner.RunAsync(NetkitCli.DotnetHost, [NetkitCli.DllPath, .. arguments], null, TimeSpan.FromSeconds(30), ShortBusyTimeout);

    private static void AssertOneLineError(ProcessResult result, string mentions)
    {
        var lines = result.StderrLines;
        Assert.True(lines.Count == 1, $"expected one error line:\n{result}");
        Assert.StartsWith("netkit: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(mentions, lines[0], StringComparison.OrdinalIgnoreCase);
    }
}
