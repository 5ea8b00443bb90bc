using System.Diagnostics;
using System.Text.Json.Nodes;
using NetKit.Mail;
using NetKit.Tests.Mail;
using NetKit.Tests.Support;

namespace NetKit.Tests.Cli;

// `netkit users` and `netkit mail` end to end: the real CLI against a mail store in a temporary directory.
public sealed class MailCommandTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("nk-cli-mail-").FullName;

    public void Dispose() => Directory.Delete(data, recursive: true);

    private Task<ProcessResult> NetkitWithStdin(string stdin, params string[] arguments) => NetkitCli.RunAsync([.. arguments, "--data", data], stdin);

    private Task<ProcessResult> Netkit(params string[] arguments) => NetkitCli.RunAsync([.. arguments, "--data", data]);

    private async Task<IReadOnlyList<StoredMessage>> DeliverAsync(byte[] raw, params string[] accounts)
    {
        await using var store = MailStore.Open(data);
        return await store.DeliverAsync(TempMailStore.Delivery(raw, accounts));
    }

    [Fact]
    public async Task Users_addListRemove_endToEnd()
    {
        var added = await Netkit("users", "add", "Alice", "--password", "s3cret");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal("added user alice\n", added.Stdout);

        var fromStdin = await NetkitWithStdin("from-stdin-pw\n", "users", "add", "bob");
        Assert.True(fromStdin.ExitCode == 0, fromStdin.ToString());
        Assert.DoesNotContain("from-stdin-pw", fromStdin.Stdout + fromStdin.Stderr, StringComparison.Ordinal);

        var list = await Netkit("users", "list");
        Assert.Equal(["alice", "bob"], list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]));
        var json = JsonNode.Parse((await Netkit("users", "list", "--json")).Stdout)!.AsArray();
        Assert.Equal(["alice", "bob"], json.Select(u => (string?)u!["name"]));

        await using (var store = MailStore.Open(data))
        {
            Assert.NotNull(await store.VerifyPasswordAsync("alice", "s3cret"));
            Assert.NotNull(await store.VerifyPasswordAsync("bob", "from-stdin-pw"));
        }

        var removed = await Netkit("users", "remove", "ALICE");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(["bob"], (await Netkit("users", "list")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public async Task UsersAdd_whileAServerHoldsTheStoreOpen_bothSeeTheChange()
    {
        await using var store = MailStore.Open(data);
        await store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("before"), "alice"));

        var added = await Netkit("users", "add", "bob", "--password", "pw");
        await store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("after"), "bob"));
        var list = await Netkit("mail", "list", "--json");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.NotNull(await store.VerifyPasswordAsync("bob", "pw"));
        Assert.Equal(["before", "after"], JsonNode.Parse(list.Stdout)!.AsArray().Select(m => (string?)m!["subject"]));
    }

    [Theory]
    [InlineData("users", "--help")]
    [InlineData("users", "add", "--help")]
    [InlineData("users", "list", "--help")]
    [InlineData("users", "remove", "--help")]
    [InlineData("mail", "--help")]
    [InlineData("mail", "list", "--help")]
    [InlineData("mail", "show", "--help")]
    public async Task Help_usersAndMailCommands_printUsageAndExitZero(params string[] arguments)
    {
        var result = await NetkitCli.RunAsync(arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData("users", "add", "alice", "--password", "again")]
    [InlineData("users", "add", "not valid", "--password", "pw")]
    [InlineData("users", "remove", "nobody")]
    public async Task Users_refused_oneLineAndExitOne(params string[] arguments)
    {
        Assert.Equal(0, (await Netkit("users", "add", "alice", "--password", "pw")).ExitCode);

        var result = await Netkit(arguments);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("netkit: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_emptyPasswordOnStdin_usageError()
    {
        var result = await NetkitWithStdin("", "users", "add", "alice");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("netkit: the password is empty", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task MailList_emptyStore_saysSoAndJsonIsEmptyArray()
    {
        await MailStore.Open(data).DisposeAsync();

        var text = await Netkit("mail", "list");
        var json = await Netkit("mail", "list", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal("no messages\n", text.Stdout);
        Assert.Equal("[]\n", json.Stdout);
        Assert.True(File.Exists(Path.Combine(data, "mail.db")));
    }

    [Fact]
    public async Task MailList_windows1251Message_tableAndJsonShowDecodedSubject()
    {
        var stored = Assert.Single(await DeliverAsync(MailStoreDeliveryTests.Windows1251Message(), "bob"));
        await DeliverAsync(TempMailStore.Message("for carol"), "carol@example.com");

        var table = await Netkit("mail", "list");
        var onlyBob = await Netkit("mail", "list", "--mailbox", "bob", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var row = Assert.Single(table.Stdout.Split('\n'), l => l.Contains("Привет, мир!", StringComparison.Ordinal));
        Assert.Contains("Иван Петров", row, StringComparison.Ordinal);
        Assert.Contains("2026-11-26 14:05", row, StringComparison.Ordinal);
        Assert.Contains(MailStoreDeliveryTests.Windows1251Message().Length.ToString(System.Globalization.CultureInfo.InvariantCulture), row, StringComparison.Ordinal);
        Assert.Contains(table.Stdout.Split('\n'), l => l.Contains("carol@example.com", StringComparison.Ordinal) && l.Contains("for carol", StringComparison.Ordinal));
        var message = Assert.Single(JsonNode.Parse(onlyBob.Stdout)!.AsArray())!;
        Assert.Equal(stored.Id, (long)message["id"]!);
        Assert.Equal("Привет, мир!", (string?)message["subject"]);
        Assert.Equal("bob", (string?)message["account"]);
    }

    [Fact]
    public async Task MailShow_windows1251Body_decodedToUnicode()
    {
        var stored = Assert.Single(await DeliverAsync(MailStoreDeliveryTests.Windows1251Message(), "bob"));

        var result = await Netkit("mail", "show", stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Subject: Привет, мир!\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Date: Thu, 26 Nov 2026 14:05:00 +0300\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("From: \"Иван Петров\" <ivan@example.ru>\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\nЗдравствуйте, это письмо в кодировке Windows-1251.\nВторая строка.\n", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just text, no headers\r\n")]
    public async Task MailShow_notAMimeMessage_showsWhatThereIs(string text)
    {
        var stored = Assert.Single(await DeliverAsync(System.Text.Encoding.ASCII.GetBytes(text), "bob"));

        var result = await Netkit("mail", "show", stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task MailShow_raw_writesTheExactStoredBytes()
    {
        var raw = MailStoreDeliveryTests.Windows1251Message();
        var stored = Assert.Single(await DeliverAsync(raw, "bob"));

        var (exitCode, stdout) = await RunForBytesAsync("mail", "show", stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--raw", "--data", data);

        Assert.Equal(0, exitCode);
        Assert.Equal(raw, stdout);
    }

    [Theory]
    [InlineData("999", 1, "netkit: no message 999")]
    [InlineData("abc", 2, "netkit: not a message id: \"abc\"")]
    [InlineData("-1", 2, "netkit: not a message id: \"-1\"")]
    public async Task MailShow_badId_oneLineAndExitCode(string id, int exitCode, string line)
    {
        await DeliverAsync(TempMailStore.Message("exists"), "bob");

        var result = await Netkit("mail", "show", id);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Equal(line, Assert.Single(result.StderrLines));
        Assert.Equal("", result.Stdout);
    }

    /// <summary>Runs the CLI and keeps its stdout as bytes (ProcessRunner decodes it as UTF-8).</summary>
    private static async Task<(int ExitCode, byte[] Stdout)> RunForBytesAsync(params string[] arguments)
    {
        var info = ProcessRunner.StartInfo(NetkitCli.DotnetHost, [NetkitCli.DllPath, .. arguments], null);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        using var bytes = new MemoryStream();
        using var deadline = new CancellationTokenSource(ProcessRunner.DefaultTimeout);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.StandardOutput.BaseStream.CopyToAsync(bytes, deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return (process.ExitCode, bytes.ToArray());
    }

    [Theory]
    [InlineData("mail", "list")]
    [InlineData("mail", "show", "1")]
    [InlineData("users", "list")]
    public async Task ReadOnlyCommand_noStoreThere_oneLineExitOneAndNothingCreated(params string[] arguments)
    {
        var missing = Path.Combine(data, "typo");

        var result = await NetkitCli.RunAsync([.. arguments, "--data", missing]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"netkit: no mail store at {missing}", Assert.Single(result.StderrLines));
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task MailListAndShow_headersAndBodyWithTerminalEscapes_controlsShownVisibly()
    {
        var subject = "=?utf-8?b?" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("hi \u001b]0;pwned\u0007\u001b[2J\r\nX-Forged: 1")) + "?=";
        var raw = System.Text.Encoding.UTF8.GetBytes(
            $"From: a@example.org\r\nTo: b@localhost\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nline one\u001b[31m red\r\n\u009b2J line two\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''evil%0D%0AX-Forged%3A%202.txt\r\n\r\nAAAA\r\n--b--\r\n");
        await DeliverAsync(raw, "bob");

        var table = await Netkit("mail", "list");
        var show = await Netkit("mail", "show", "1");
        var exact = await Netkit("mail", "show", "1", "--raw");

        Assert.True(table.ExitCode == 0 && show.ExitCode == 0, table + "\n" + show);
        foreach (var output in new[] { table.Stdout, show.Stdout })
        {
            Assert.DoesNotContain(output, c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
        }

        Assert.Contains("^[]0;pwned^G^[[2J", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("Subject: hi ^[]0;pwned^G^[[2JX-Forged: 1\n", show.Stdout, StringComparison.Ordinal); // MimeKit unfolds CR LF
        Assert.Contains("Attachment: evil^M^JX-Forged: 2.txt (application/octet-stream)\n", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(show.Stdout.Split('\n'), l => l.StartsWith("X-Forged", StringComparison.Ordinal));
        Assert.Contains("line one^[[31m red\n\uFFFD2J line two\n", show.Stdout, StringComparison.Ordinal);
        Assert.Contains('\u001b', exact.Stdout); // --raw stays byte for byte
    }

    [Fact]
    public async Task UsersRemove_withAndWithoutKeepMail_mailDeletedOrKeptForAdoptMail()
    {
        Assert.Equal(0, (await Netkit("users", "add", "bob", "--password", "pw")).ExitCode);
        Assert.Equal(0, (await Netkit("users", "add", "carol", "--password", "pw")).ExitCode);
        await DeliverAsync(TempMailStore.Message("for bob"), "bob");
        await DeliverAsync(TempMailStore.Message("for carol"), "carol");

        Assert.Equal(0, (await Netkit("users", "remove", "bob")).ExitCode);
        Assert.Equal(0, (await Netkit("users", "remove", "carol", "--keep-mail")).ExitCode);
        var refused = await Netkit("users", "add", "carol", "--password", "new");
        var readded = await Netkit("users", "add", "bob", "--password", "new");
        var adopted = await Netkit("users", "add", "carol", "--password", "new", "--adopt-mail");

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("--adopt-mail", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
        Assert.True(readded.ExitCode == 0 && adopted.ExitCode == 0, readded + "\n" + adopted);
        await using var store = MailStore.OpenReadOnly(data);
        Assert.Equal(["carol"], (await store.ListMessagesAsync()).Select(m => m.Account));
    }
}
