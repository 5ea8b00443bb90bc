using NetKit.Tests.Support;

namespace NetKit.Tests.Soak;

// The fast part of bench/soak.sh: bench/soak.py (Python's smtplib, imaplib, poplib, ftplib,
// nntplib, and http.client on the web console's API; every answer checked) runs mixed traffic
// for a few seconds against one `netkit serve`. It must end with no error and a balanced ledger
// (every message that got 250 is in its mailbox or was deleted by us, every article that got
// 240 is readable, every FTP file reads back with its checksum), and once every client has gone
// the server's open fds must be back where they were before the traffic: a leaked socket or
// file shows up here deterministically. Memory is not asserted (the GC makes it noisy); the
// 10-minute run in docs/RELIABILITY.md covers it.
public class SoakTests
{
    /// <summary>Fds other than pooled SQLite connections and assemblies (<see cref="ServerFds.Counts.Others"/>) may end this far above the count before traffic.</summary>
    private const int FdSlack = 2;

    private const string ImapUser = "alice";
    private const string Pop3User = "carol";
    private const string Password = "pw";

    [Fact]
    public async Task ServeAllMailNewsFtp_fewSecondsOfMixedPythonClients_noErrorsLedgerBalancesFdsReturn()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, ImapUser, Password);
            await SmtpServeProcess.AddUserAsync(data, Pop3User, Password);
            Directory.CreateDirectory(Path.Combine(data, "ftp", ImapUser));
            await using var serve = await ServeProcess.StartAsync(
                "--quiet", "--allow-plaintext-auth", "--newsgroup", "soak.one", "--newsgroup", "soak.two", "--data", data,
                "smtp=127.0.0.1:0", "pop3=127.0.0.1:0", "imap=127.0.0.1:0", "ftp=127.0.0.1:0", "nntp=127.0.0.1:0", "web=127.0.0.1:0");

            // A first, short concurrent run: lazily opened files and the stores' read-connection pool
            // grow to what this many clients at once need before the count is taken.
            await RunDriverAsync(serve, "warm", seconds: 1);
            var before = ServerFds.Count(serve.Process.Id);

            var run = await RunDriverAsync(serve, "run", seconds: 3);
            Assert.Contains("errors 0", run.Stdout, StringComparison.Ordinal);

            // The server closes its side when it reads each client's FIN: wait for that (a
            // deadline, not a timing assertion), then compare.
            var after = await ServerFds.SettledAsync(serve.Process.Id, before.Others + FdSlack, TimeSpan.FromSeconds(15));
            Assert.True(after.Others <= before.Others + FdSlack,
                $"the server holds {after.Others} fds (other than pooled SQLite connections and assemblies) after every client left, {before.Others} before the traffic (slack {FdSlack}): a leak.\n"
                + $"before: {before}\nafter: {after}\n{ServerFds.Describe(serve.Process.Id)}");
            // --quiet: the server logs warnings and errors only (on stdout, "HH:mm:ss warn: ..."), and there must be none.
            Assert.DoesNotMatch(@"(?m)^\d\d:\d\d:\d\d (warn|fail|crit):", serve.Process.Stdout);
            Assert.Empty(serve.Process.Stderr.Trim());
            Assert.Equal(0, await serve.StopAsync());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<ProcessResult> RunDriverAsync(ServeProcess serve, string tag, int seconds)
    {
        var result = await ProcessRunner.RunAsync(
            PeerPrograms.Python3,
            [
                "-u", DriverPath, "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tag", tag,
                "--imap-users", ImapUser, "--pop3-users", Pop3User, "--ftp-user", ImapUser, "--password", Password,
                "--smtp-workers", "2", "--ftp-workers", "1", "--nntp-workers", "1",
                "--smtp", Port(serve, "smtp"), "--pop3", Port(serve, "pop3"), "--imap", Port(serve, "imap"),
                "--ftp", Port(serve, "ftp"), "--nntp", Port(serve, "nntp"), "--web", Port(serve, "web", "http"),
            ],
            timeout: TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, $"bench/soak.py ({tag}) found errors:\n{result}\n--- server:\n{serve.Process.Output()}");
        return result;
    }

    private static string Port(ServeProcess serve, string service, string scheme = "tcp") =>
        serve.Port(service, scheme).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>bench/soak.py of the source tree the tests were built from.</summary>
    private static string DriverPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var driver = Path.Combine(dir.FullName, "bench", "soak.py");
                if (File.Exists(Path.Combine(dir.FullName, "NetKit.slnx")) && File.Exists(driver))
                {
                    return driver;
                }
            }

            Assert.Fail($"no bench/soak.py above {AppContext.BaseDirectory}");
            return "";
        }
    }
}
