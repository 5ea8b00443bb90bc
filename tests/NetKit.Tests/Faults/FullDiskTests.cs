using System.Globalization;
using System.Text;
using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Faults;

// A full disk under a running `netkit serve`: its data directory (mail.db, news.db) lives on a small
// tmpfs mounted for the test, which a filler file then fills to the last byte. SMTP DATA, NNTP POST
// and IHAVE, and IMAP APPEND must answer the protocol's temporary refusal (not a 5xx, not a BYE),
// keep the session, store nothing half, keep everything acknowledged before byte-exact, and, once the
// filler is deleted, the same running server must store the next item.
public sealed class FullDiskTests : IAsyncLifetime
{
    private const string Group = "local.full";

    // The test process's id in the name tells a mount left by a run that died (its process is gone)
    // from one that another test run on this machine is using right now.
    private static readonly string Prefix = $"nk-full-disk-{Environment.ProcessId}-";

    private readonly string _mount = Directory.CreateTempSubdirectory(Prefix).FullName;

    private string Data => Path.Combine(_mount, "data");

    private string Filler => Path.Combine(_mount, "filler.bin");

    public async Task InitializeAsync()
    {
        await UnmountStaleAsync();
        // 16 MiB: room for a fresh store; the filler takes the rest.
        var mount = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", _mount]);
        if (mount.ExitCode != 0)
        {
            // xunit does not call DisposeAsync when InitializeAsync throws: clean up here.
            Directory.Delete(_mount, recursive: true);
            Assert.Fail($"this test mounts a 16 MiB tmpfs and needs root (or CAP_SYS_ADMIN) for it.\n{mount}");
        }

        Directory.CreateDirectory(Data);
    }

    public async Task DisposeAsync()
    {
        // A plain umount fails while something still has a file open there (a server left running): that is a bug to see.
        var umount = await ProcessRunner.RunAsync("umount", [_mount]);
        if (umount.ExitCode != 0)
        {
            await ProcessRunner.RunAsync("umount", ["-l", _mount]);
            Directory.Delete(_mount, recursive: true);
            Assert.Fail($"the tmpfs could not be unmounted (something still uses it); detached it lazily.\n{umount}");
        }

        Directory.Delete(_mount, recursive: true);
    }

    /// <summary>Unmounts the tmpfs mounts a test run that died left behind (their process is gone).</summary>
    private static async Task UnmountStaleAsync()
    {
        var stale = File.ReadLines("/proc/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 2 && fields[2] == "tmpfs")
            .Select(fields => fields[1])
            .Where(path => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(path), @"^nk-full-disk-(\d+)-") is { Success: true } m
                && !Directory.Exists($"/proc/{m.Groups[1].Value}"))
            .ToList();
        foreach (var path in stale)
        {
            var umount = await ProcessRunner.RunAsync("umount", ["-l", path]);
            Assert.True(umount.ExitCode == 0, $"cannot unmount the stale {path}:\n{umount}");
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public async Task SmtpData_onAFullDisk_isTemporary_nothingHalfStored_andTheSameServerStoresOnceSpaceReturns()
    {
        await SmtpServeProcess.AddUserAsync(Data, "bob", "pw-bob");
        await using var server = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "--data", Data, "--catch-all");
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(server.Port("smtp"));
        await using (client)
        {
            var before = new[] { Message("before-1", 2_000), Message("before-2", 30_000) };
            foreach (var message in before)
            {
                var stored = await client.SendMailAsync("a@example.com", ["bob@example.com"], message);
                Assert.True(stored.Code == 250, $"before the disk filled: {stored}");
            }

            FillTheDisk();
            var full = await client.SendMailAsync("a@example.com", ["bob@example.com"], Message("full", 600_000));
            Assert.True(full.ToWireLines().Last().StartsWith("452 4.3.1 ", StringComparison.Ordinal), $"DATA on a full disk must be 452 4.3.1 (mail system full, try later): {string.Join(" | ", full.ToWireLines())}\n{server.Process.Output()}");

            await AssertLoggedDiskFullAsync(server);

            // The session goes on.
            var noop = await client.CommandAsync("NOOP");
            Assert.Equal(250, noop.Code);

            FreeTheDisk();
            var after = Message("after", 600_000);
            var again = await client.SendMailAsync("a@example.com", ["bob@example.com"], after);
            Assert.True(again.Code == 250, $"after the space came back, on the same session: {again}\n{server.Process.Output()}");

            await AssertMailStoreHoldsAsync([.. before, after]);
        }
    }

    [Fact]
    public async Task SmtpConcurrentSessions_onAFullDisk_eachReplyTellsTheTruth_andAllStoreAgainOnceSpaceReturns()
    {
        // Several sessions at once go through the writer's group commit together: a batch that cannot
        // be written must fail every delivery in it with 4xx, and whatever got 250 must be stored.
        // (A small message may still fit where a failed write left room: then it is 250 and stored.)
        await using var server = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "--data", Data, "--catch-all");
        var port = server.Port("smtp");
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        var first = Message("first", 1_000);
        var (opener, _) = await SmtpWireClient.ConnectEhloAsync(port);
        await using (opener)
        {
            Assert.Equal(250, (await opener.SendMailAsync("a@example.com", ["bob@example.com"], first)).Code);
        }

        FillTheDisk();
        var refused = 0;
        var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(async session =>
        {
            var (client, _) = await SmtpWireClient.ConnectEhloAsync(port);
            foreach (var size in new[] { 300_000, 5_000, 120_000 })
            {
                var message = Message($"s{session}-{size}", size);
                var reply = await client.SendMailAsync("a@example.com", ["bob@example.com"], message);
                Assert.True(reply.Code is 250 or 452, $"session {session}, {size} bytes on a full disk: {reply}");
                if (reply.Code == 250)
                {
                    acknowledged.Add(message);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }

            return client;
        }));

        FreeTheDisk();
        await Task.WhenAll(sessions.Select(async (client, session) =>
        {
            await using (client)
            {
                var after = Message($"after-{session}", 50_000);
                var again = await client.SendMailAsync("a@example.com", ["bob@example.com"], after);
                Assert.True(again.Code == 250, $"session {session} after the space came back: {again}");
                acknowledged.Add(after);
            }
        }));

        Assert.True(refused > 0, "not one delivery was refused: the disk was not full");
        await AssertLoggedDiskFullAsync(server);
        await AssertMailStoreHoldsAsync([first, .. acknowledged]);
    }

    [Fact]
    public async Task Serve_onAFullDisk_exitsWithAOneLineErrorNotAHang_andStartsOnceSpaceReturns()
    {
        // The very first start: its first write is the TLS certificate it makes for itself.
        await SmtpServeProcess.AddUserAsync(Data, "bob", "pw-bob");
        FillTheDisk();
        await AssertServeFailsOnTheFullDiskAsync("No space left on device");
        await AssertServeStoresOnceSpaceReturnsAsync();
    }

    [Fact]
    public async Task Serve_restartedOnAFullDisk_exitsWithAOneLineErrorNotAHang_andStartsOnceSpaceReturns()
    {
        // Started and stopped once first, so the certificate and the store exist: on the full disk,
        // opening the store (its WAL and shared-memory files) is what needs room. SQLite reports the
        // failed growth of its shared-memory file as a generic I/O error (SQLITE_IOERR), not SQLITE_FULL.
        await SmtpServeProcess.AddUserAsync(Data, "bob", "pw-bob");
        await using (var first = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "--data", Data, "--catch-all"))
        {
            Assert.Equal(0, await first.StopAsync());
        }

        FillTheDisk();
        await AssertServeFailsOnTheFullDiskAsync("cannot open the mail store " + Path.Combine(Data, "mail.db") + ": SQLite Error 10: 'disk I/O error'");
        await AssertServeStoresOnceSpaceReturnsAsync();
    }

    private async Task AssertServeFailsOnTheFullDiskAsync(string error)
    {
        var full = await ProcessRunner.RunAsync(NetkitCli.DotnetHost, [NetkitCli.DllPath, "serve", "smtp=127.0.0.1:0", "--data", Data], null, TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["NETKIT_BUSY_TIMEOUT"] = "2" });
        Assert.True(full.ExitCode != 0, full.ToString());
        Assert.True(full.StderrLines.Count == 1 && full.StderrLines[0].StartsWith("netkit: ", StringComparison.Ordinal), $"expected one error line:\n{full}");
        Assert.True(full.StderrLines[0].Contains(error, StringComparison.Ordinal), $"the error must be \"{error}\":\n{full}");
    }

    private async Task AssertServeStoresOnceSpaceReturnsAsync()
    {
        FreeTheDisk();
        await using var server = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "--data", Data, "--catch-all");
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(server.Port("smtp"));
        await using (client)
        {
            var message = Message("after-start", 1_000);
            Assert.Equal(250, (await client.SendMailAsync("a@example.com", ["bob@example.com"], message)).Code);
            await AssertMailStoreHoldsAsync([message]);
        }
    }

    [Fact]
    public async Task ImapAppend_onAFullDisk_isATaggedNo_nothingHalfStored_andTheSameServerStoresOnceSpaceReturns()
    {
        await SmtpServeProcess.AddUserAsync(Data, "bob", "pw-bob");
        await using var server = await ServeProcess.StartAsync("imap=127.0.0.1:0", "--data", Data, "--allow-plaintext-auth");
        using var imap = await RawLineClient.ConnectAsync(server.Port("imap"));
        Assert.StartsWith("* OK", await imap.ReadLineAsync(), StringComparison.Ordinal);
        await imap.SendAsync("a1 LOGIN bob pw-bob\r\n");
        Assert.StartsWith("a1 OK", await TaggedAsync(imap, "a1"), StringComparison.Ordinal);

        var before = new[] { Message("before-1", 2_000), Message("before-2", 30_000) };
        for (var i = 0; i < before.Length; i++)
        {
            Assert.StartsWith($"b{i} OK", await AppendAsync(imap, $"b{i}", before[i]), StringComparison.Ordinal);
        }

        FillTheDisk();
        var full = await AppendAsync(imap, "f1", Message("full", 600_000));
        Assert.StartsWith("f1 NO [UNAVAILABLE] ", full, StringComparison.Ordinal);
        Assert.DoesNotContain("OVERQUOTA", full, StringComparison.Ordinal);
        await AssertLoggedDiskFullAsync(server);

        // The session goes on (a BYE would have ended it).
        await imap.SendAsync("n1 NOOP\r\n");
        Assert.StartsWith("n1 OK", await TaggedAsync(imap, "n1"), StringComparison.Ordinal);

        FreeTheDisk();
        var after = Message("after", 600_000);
        var again = await AppendAsync(imap, "a2", after);
        Assert.True(again.StartsWith("a2 OK", StringComparison.Ordinal), $"after the space came back, on the same session: {again}\n{server.Process.Output()}");

        await AssertMailStoreHoldsAsync([.. before, after]);
    }

    [Fact]
    public async Task NntpPostAndIhave_onAFullDisk_are441And436_nothingHalfStored_andTheSameServerStoresOnceSpaceReturns()
    {
        await using var server = await ServeProcess.StartAsync("nntp=127.0.0.1:0", "--data", Data, "--newsgroup", Group);
        await using var nntp = new NntpClient();
        await nntp.ConnectAsync("127.0.0.1", server.Port("nntp"));

        var before = new[] { Article("before-1", 2_000), Article("before-2", 30_000) };
        foreach (var article in before)
        {
            await nntp.PostAsync(article);
        }

        FillTheDisk();
        var post = await Assert.ThrowsAsync<NntpCommandException>(() => nntp.PostAsync(Article("full-post", 600_000)));
        Assert.True(post.Response.Code == 441, $"POST on a full disk: {post.Message}");
        var ihave = await Assert.ThrowsAsync<NntpCommandException>(() => nntp.IHaveAsync("<full-ihave@full.test>", Article("full-ihave", 600_000)));
        Assert.True(ihave.Response.Code == 436, $"IHAVE on a full disk must be 436 (try again later): {ihave.Message}");
        await AssertLoggedDiskFullAsync(server);

        FreeTheDisk();
        var after = Article("after", 600_000);
        await nntp.PostAsync(after);
        var offered = Article("after-ihave", 1_000);
        await nntp.IHaveAsync("<after-ihave@full.test>", offered);

        // Everything acknowledged is there byte-exact; the refused ones are not.
        var group = await nntp.GroupAsync(Group);
        var overview = await nntp.OverAsync(new NntpRange(group.Low, null));
        Assert.Equal(["<before-1@full.test>", "<before-2@full.test>", "<after@full.test>", "<after-ihave@full.test>"], overview.Select(o => o.MessageId));
        foreach (var (article, row) in before.Append(after).Append(offered).Zip(overview))
        {
            var body = await nntp.BodyAsync(row.Number.ToString(CultureInfo.InvariantCulture));
            ByteAssert.Equal(Body(article), body.Raw, $"the body of {row.MessageId}");
        }

        foreach (var refused in new[] { "<full-post@full.test>", "<full-ihave@full.test>" })
        {
            var missing = await Assert.ThrowsAsync<NntpCommandException>(() => nntp.StatAsync(refused));
            Assert.Equal(430, missing.Response.Code);
        }
    }

    /// <summary>Writes the filler until the tmpfs has not one page left.</summary>
    private void FillTheDisk()
    {
        using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[64 * 1024];
        foreach (var size in new[] { 64 * 1024, 4096, 1 })
        {
            try
            {
                while (true)
                {
                    filler.Write(chunk, 0, size);
                }
            }
            catch (IOException)
            {
                // ENOSPC: go on with smaller pieces until not even one byte fits.
            }
        }

        Assert.True(new DriveInfo(_mount).AvailableFreeSpace < 4096, $"the tmpfs still has {new DriveInfo(_mount).AvailableFreeSpace} bytes free");
    }

    private void FreeTheDisk() => File.Delete(Filler);

    /// <summary>The refusal was the full disk (SQLite's "database or disk is full" in the server's log), not some other limit.</summary>
    private static async Task AssertLoggedDiskFullAsync(ServeProcess server)
    {
        // The log line is written before the reply, but read off the child's pipe by another task: give it time.
        for (var wait = 0; wait < 100 && !server.Process.Output().Contains("disk is full", StringComparison.Ordinal); wait++)
        {
            await Task.Delay(100);
        }

        Assert.True(server.Process.Output().Contains("disk is full", StringComparison.Ordinal), $"the server's log does not name the full disk:\n{server.Process.Output()}");
    }

    /// <summary>The mail store holds exactly these messages (by their Message-Id), each byte for byte.</summary>
    private async Task AssertMailStoreHoldsAsync(IReadOnlyList<byte[]> expected)
    {
        var listed = await SmtpServeProcess.ListMailAsync(Data);
        var stored = new List<byte[]>();
        foreach (var mail in listed)
        {
            stored.Add(await SmtpServeProcess.ShowRawAsync(Data, mail.Id));
        }

        Assert.Equal(expected.Select(Id).Order(StringComparer.Ordinal), stored.Select(Id).Order(StringComparer.Ordinal));
        foreach (var message in expected)
        {
            var match = stored.SingleOrDefault(s => Id(s) == Id(message));
            Assert.True(match is not null, $"{Id(message)} is missing from the store");
            ByteAssert.Equal(message, match!, $"stored message {Id(message)}");
        }
    }

    /// <summary>APPEND with a synchronizing literal; returns the tagged reply line.</summary>
    private static async Task<string> AppendAsync(RawLineClient imap, string tag, byte[] message)
    {
        await imap.SendAsync($"{tag} APPEND INBOX {{{message.Length}}}\r\n");
        var go = await imap.ReadLineAsync();
        Assert.True(go.StartsWith('+'), $"APPEND's continuation: {go}");
        await imap.SendAsync([.. message, .. "\r\n"u8]);
        return await TaggedAsync(imap, tag);
    }

    /// <summary>Reads past untagged lines to the tagged reply; a BYE on the way fails the test.</summary>
    private static async Task<string> TaggedAsync(RawLineClient imap, string tag)
    {
        while (true)
        {
            var line = (await imap.ReadLineAsync()).TrimEnd('\r', '\n');
            Assert.False(line.StartsWith("* BYE", StringComparison.Ordinal), $"the server said goodbye: {line}");
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    private static string Id(byte[] message)
    {
        var text = Encoding.ASCII.GetString(message, 0, Math.Min(message.Length, 200));
        return text[..text.IndexOf('\r', StringComparison.Ordinal)];
    }

    /// <summary>A message of about <paramref name="size"/> bytes, its Message-Id on the first line.</summary>
    private static byte[] Message(string name, int size) =>
        Encoding.ASCII.GetBytes($"Message-Id: <{name}@full.test>\r\nFrom: a@example.com\r\nTo: bob@example.com\r\nSubject: {name}\r\n\r\n{Lines(name, size)}");

    private static byte[] Article(string name, int size) =>
        Encoding.ASCII.GetBytes($"Message-ID: <{name}@full.test>\r\nFrom: Poster <poster@example.com>\r\nNewsgroups: {Group}\r\nSubject: {name}\r\n"
            + $"Date: Thu, 26 Nov 2026 12:00:00 +0000\r\nPath: peer.test!not-for-mail\r\n\r\n{Lines(name, size)}");

    private static string Lines(string name, int size)
    {
        var body = new StringBuilder();
        for (var line = 0; body.Length < size; line++)
        {
            // Pseudo-random letters so nothing compresses, and a leading dot now and then for the dot-stuffing.
            body.Append(line % 7 == 0 ? "." : "").Append(name).Append(' ').Append(line).Append(' ');
            for (var i = 0; i < 60; i++)
            {
                body.Append((char)('a' + ((line * 31 + i * 17) % 26)));
            }

            body.Append("\r\n");
        }

        return body.ToString();
    }

    private static byte[] Body(byte[] article)
    {
        var text = Encoding.ASCII.GetString(article);
        return Encoding.ASCII.GetBytes(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
