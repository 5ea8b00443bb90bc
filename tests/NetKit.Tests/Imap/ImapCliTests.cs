using System.Globalization;
using System.Text;
using NetKit.Tests.Mail;
using NetKit.Tests.Support;

namespace NetKit.Tests.Imap;

/// <summary>`netkit imap ...` (the real CLI, a child process) against our server.</summary>
public sealed class ImapCliTests
{
    private static string[] Login(ImapServerHarness harness) =>
        ["--server", $"127.0.0.1:{harness.Port.ToString(CultureInfo.InvariantCulture)}", "--user", "bob", "--password", ImapServerHarness.Password];

    [Fact]
    public async Task Cli_listSelectSearchFetchStoreMoveAppend()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        var raw = TempMailStore.Message("cli subject", "cli body");
        await harness.DeliverAsync(raw);
        await harness.DeliverAsync(TempMailStore.Message("other"));
        var login = Login(harness);

        var list = await NetkitCli.RunAsync(["imap", "list", "--json", .. login]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("{\"name\":\"Sent\",\"attributes\":[\"\\\\HasNoChildren\",\"\\\\Sent\"]}", list.Stdout, StringComparison.Ordinal);

        var select = await NetkitCli.RunAsync(["imap", "select", "INBOX", .. login]);
        Assert.StartsWith("INBOX: 2 messages, ", select.Stdout, StringComparison.Ordinal);

        var search = await NetkitCli.RunAsync(["imap", "search", "SUBJECT", "cli subject", .. login]);
        Assert.Equal("1\n", search.Stdout);

        var fetch = await NetkitCli.RunAsync(["imap", "fetch", "1", .. login]);
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Equal(Encoding.ASCII.GetString(raw), fetch.Stdout);
        var directory = Directory.CreateTempSubdirectory("nk-imap-cli-").FullName;
        try
        {
            var saved = await NetkitCli.RunAsync(["imap", "fetch", "1:*", "--output", directory, .. login]);
            Assert.Equal($"saved 2 messages to {directory}\n", saved.Stdout);
            Assert.Equal(raw, await File.ReadAllBytesAsync(Path.Combine(directory, "1.eml")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        var summary = await NetkitCli.RunAsync(["imap", "fetch", "1:*", "--summary", .. login]);
        Assert.Contains($"1\t{raw.Length}\t\\Recent\tsender@example.org\tcli subject\n", summary.Stdout, StringComparison.Ordinal); // EXAMINE leaves \Recent as it is

        var store = await NetkitCli.RunAsync(["imap", "store", "2", "--add", "\\Flagged", "$Later", .. login]);
        Assert.StartsWith("2\t\\Flagged $Later", store.Stdout, StringComparison.Ordinal);
        var move = await NetkitCli.RunAsync(["imap", "move", "2", "Archive", .. login]);
        Assert.True(move.ExitCode == 0, move.ToString());
        Assert.Single(await harness.Store.ListEntriesAsync("bob", "Archive"));

        var append = await NetkitCli.RunAsync(["imap", "append", "Drafts", "--flag", "\\Draft", .. login], stdin: "Subject: from stdin\r\n\r\ndraft\r\n");
        Assert.Equal("appended as UID 1\n", append.Stdout);
        var draft = Assert.Single(await harness.Store.ListEntriesAsync("bob", "Drafts"));
        Assert.Equal("\\Draft", draft.Flags);
        Assert.Equal("Subject: from stdin\r\n\r\ndraft\r\n"u8.ToArray(), await harness.Store.ReadMessageAsync(draft.Id));
    }

    [Fact]
    public async Task Cli_idle_printsDelivery()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await using var idle = NetkitCli.Start(["imap", "idle", "--count", "1", .. Login(harness)]);
        await idle.WaitForLineAsync(l => l == "idling", TimeSpan.FromSeconds(30), "IDLE to start");
        await harness.DeliverAsync(TempMailStore.Message("wake up"));
        await idle.WaitForLineAsync(l => l == "EXISTS 1", TimeSpan.FromSeconds(30), "the EXISTS event");
    }

    [Fact]
    public async Task Cli_errors_areOneLine()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        var wrong = await NetkitCli.RunAsync(["imap", "list", "--server", $"127.0.0.1:{harness.Port}", "--user", "bob", "--password", "nope"]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith("netkit: AUTHENTICATE failed: NO [AUTHENTICATIONFAILED]", wrong.Stderr, StringComparison.Ordinal);
        var usage = await NetkitCli.RunAsync(["imap", "store", "1", .. Login(harness)]);
        Assert.Equal(2, usage.ExitCode);
        var missing = await NetkitCli.RunAsync(["imap", "select", "Nowhere", .. Login(harness)]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("NONEXISTENT", missing.Stderr, StringComparison.Ordinal);
    }
}
