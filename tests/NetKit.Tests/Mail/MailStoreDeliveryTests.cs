using System.Text;
using NetKit.Mail;

namespace NetKit.Tests.Mail;

// What a delivery keeps: the exact bytes, the envelope and a decoded summary.
public class MailStoreDeliveryTests
{
    private static readonly Encoding Windows1251 = CodePagesEncodingProvider.Instance.GetEncoding(1251)!;

    /// <summary>The seed's message: Windows-1251, 8-bit transfer encoding, a Cyrillic body.</summary>
    internal static byte[] Windows1251Message()
    {
        var head = Encoding.ASCII.GetBytes(
            "From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\n" +
            "To: bob@localhost\r\n" +
            "Subject: =?utf-8?B?0J/RgNC40LLQtdGCLCDQvNC40YAh?=\r\n" +
            "Date: Thu, 26 Nov 2026 14:05:00 +0300\r\n" +
            "MIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=Windows-1251\r\n" +
            "Content-Transfer-Encoding: 8bit\r\n\r\n");
        var body = Windows1251.GetBytes("Здравствуйте, это письмо в кодировке Windows-1251.\r\nВторая строка.\r\n");
        return [.. head, .. body];
    }

    [Fact]
    public async Task DeliverAsync_windows1251EightBitBody_readsBackByteExact()
    {
        await using var temp = TempMailStore.Create();
        var raw = Windows1251Message();
        Assert.Contains(raw, b => b >= 0x80); // really 8-bit

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob")));

        Assert.Equal(raw, await temp.Store.ReadMessageAsync(stored.Id));
        var summary = await temp.Store.FindMessageAsync(stored.Id);
        Assert.NotNull(summary);
        Assert.Equal(raw.Length, summary.Size);
    }

    [Fact]
    public async Task DeliverAsync_binaryishBytesWithoutHeaders_readsBackByteExactAndStillListed()
    {
        await using var temp = TempMailStore.Create();
        // Every byte value but NUL, CRLF pairs and lone CRs as DATA may carry them; not a MIME message at all.
        var raw = Enumerable.Range(0, 4096).Select(i => (byte)(i % 255 + 1)).Concat("\r\n\r\r\n"u8.ToArray()).ToArray();

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob")));

        Assert.Equal(raw, await temp.Store.ReadMessageAsync(stored.Id));
        Assert.Equal(raw.Length, Assert.Single(await temp.Store.ListMessagesAsync()).Size);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("no headers, no line end")]
    public async Task DeliverAsync_emptyOrHeaderlessMessage_storedByteExactWithEmptySummary(string text)
    {
        await using var temp = TempMailStore.Create();
        var raw = System.Text.Encoding.ASCII.GetBytes(text);

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob")));

        Assert.Equal(raw, await temp.Store.ReadMessageAsync(stored.Id));
        var summary = await temp.Store.FindMessageAsync(stored.Id);
        Assert.Equal(("", "", (long)raw.Length), (summary?.Subject, summary?.From, summary?.Size));
    }

    [Fact]
    public async Task DeliverAsync_sliceOfLargerBuffer_storesOnlyTheSlice()
    {
        await using var temp = TempMailStore.Create();
        var buffer = "XXXXSubject: slice\r\n\r\nbody\r\nYYYY"u8.ToArray();

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(buffer, "bob") with { Message = buffer.AsMemory(4, buffer.Length - 8) }));

        Assert.Equal("Subject: slice\r\n\r\nbody\r\n"u8.ToArray(), await temp.Store.ReadMessageAsync(stored.Id));
    }

    [Fact]
    public async Task DeliverAsync_subjectDecodesToTextWithNul_summaryKeepsAllOfIt()
    {
        await using var temp = TempMailStore.Create();
        // "a", NUL, "b" as an encoded word: the store binds text by its length, not up to a NUL.
        var raw = Encoding.ASCII.GetBytes("From: a@example.org\r\nSubject: =?utf-8?B?YQBi?= end\r\n\r\nHello.\r\n");

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob")));

        var summary = await temp.Store.FindMessageAsync(stored.Id);
        Assert.NotNull(summary);
        Assert.Equal("a\0b end", summary.Subject);
    }

    [Fact]
    public async Task DeliverAsync_encodedCyrillicHeaders_summaryDecodedToUnicode()
    {
        await using var temp = TempMailStore.Create();

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(Windows1251Message(), "bob")));

        var summary = await temp.Store.FindMessageAsync(stored.Id);
        Assert.NotNull(summary);
        Assert.Equal("Привет, мир!", summary.Subject);
        Assert.Equal("\"Иван Петров\" <ivan@example.ru>", summary.From);
        Assert.Equal("bob@localhost", summary.To);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 5, 0, TimeSpan.FromHours(3)), summary.Date);
        Assert.Equal(0, summary.AttachmentCount);
    }

    [Fact]
    public async Task DeliverAsync_multipartWithAttachments_namesAndCountInSummary()
    {
        await using var temp = TempMailStore.Create();
        var raw = Encoding.ASCII.GetBytes(
            "From: a@example.org\r\nTo: b@localhost\r\nSubject: files\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n" +
            "--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
            "--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n" +
            "--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename*=utf-8''%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D0%B5.csv\r\n\r\na,b\r\n" +
            "--XX--\r\n");

        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob")));

        var summary = await temp.Store.FindMessageAsync(stored.Id);
        Assert.NotNull(summary);
        Assert.Equal(2, summary.AttachmentCount);
        Assert.Equal(["report.pdf", "данные.csv"], summary.AttachmentNames);
        Assert.Null(summary.Date);
    }

    [Fact]
    public async Task DeliverAsync_severalRecipients_oneEntryPerAccountSharingOneContentWithEnvelope()
    {
        await using var temp = TempMailStore.Create();
        var raw = TempMailStore.Message("to three");
        var delivery = new MailDelivery(raw, "sender@example.org",
            [new("bob@localhost", "bob"), new("Bob@example.com", "BOB"), new("carol@other.test", "Carol@Other.Test")], "192.0.2.7", "mx.example.org");

        var stored = await temp.Store.DeliverAsync(delivery);

        Assert.Equal(["bob", "carol@other.test"], stored.Select(s => s.Account));
        Assert.All(stored, s => Assert.Equal(("INBOX", 1L), (s.Mailbox, s.Uid)));
        var summaries = await temp.Store.ListMessagesAsync();
        Assert.Equal(2, summaries.Count);
        Assert.Single(summaries.Select(s => s.ContentId).Distinct());
        Assert.Equal(1, temp.Scalar("SELECT count(*) FROM messages"));
        var bob = summaries[0];
        Assert.Equal("sender@example.org", bob.ReversePath);
        Assert.Equal(["bob@localhost", "Bob@example.com"], bob.Recipients);
        Assert.Equal(["carol@other.test"], summaries[1].Recipients);
        Assert.Equal("192.0.2.7", bob.RemoteAddress);
        Assert.Equal("mx.example.org", bob.HeloName);
        Assert.Equal("", bob.Flags);
    }

    [Fact]
    public async Task DeliverAsync_aliceAndBccBob_eachEntryShowsOnlyItsOwnEnvelopeRecipients()
    {
        await using var temp = TempMailStore.Create();

        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("hi"), "alice", "bob"));

        Assert.Equal(["alice@localhost"], Assert.Single(await temp.Store.ListMessagesAsync("alice")).Recipients);
        Assert.Equal(["bob@localhost"], Assert.Single(await temp.Store.ListMessagesAsync("bob")).Recipients);
    }

    [Fact]
    public async Task ListMessagesAsync_bodiesTableGone_stillListsBecauseSummariesNeverReadBodies()
    {
        await using var temp = TempMailStore.Create();
        var message = TempMailStore.Message("summary only", new string('x', 100_000));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(message, "bob"));
        Assert.Equal(0, temp.Scalar("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'raw'"));
        Assert.Equal(message.Length, temp.Scalar("SELECT length(raw) FROM message_bodies"));

        using (var raw = temp.OpenRaw())
        using (var drop = raw.CreateCommand())
        {
            drop.CommandText = "DROP TABLE message_bodies;";
            drop.ExecuteNonQuery();
        }

        var summary = Assert.Single(await temp.Store.ListMessagesAsync("bob"));
        Assert.Equal("summary only", summary.Subject);
        Assert.NotNull(await temp.Store.FindMessageAsync(summary.Id));
        await Assert.ThrowsAsync<MailStoreException>(() => temp.Store.ReadMessageAsync(summary.Id));
    }

    [Fact]
    public async Task ListMessagesAsync_oneAccount_onlyThatAccountCaseInsensitive()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("for bob"), "bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("for carol"), "carol"));

        var bob = Assert.Single(await temp.Store.ListMessagesAsync("BOB"));

        Assert.Equal("for bob", bob.Subject);
        Assert.Empty(await temp.Store.ListMessagesAsync("nobody"));
    }

    [Fact]
    public async Task DeliverAsync_noRecipients_throwsAndStoresNothing()
    {
        await using var temp = TempMailStore.Create();

        await Assert.ThrowsAsync<MailStoreException>(() => temp.Store.DeliverAsync(new MailDelivery(TempMailStore.Message("x"), "a@b", [], null, null)));

        Assert.Empty(await temp.Store.ListMessagesAsync());
    }

    [Fact]
    public async Task ReadMessageAsync_unknownId_null()
    {
        await using var temp = TempMailStore.Create();

        Assert.Null(await temp.Store.ReadMessageAsync(42));
        Assert.Null(await temp.Store.FindMessageAsync(42));
    }

    [Fact]
    public async Task Open_afterDelivery_reopenedStoreHasTheMessage()
    {
        await using var temp = TempMailStore.Create();
        var raw = Windows1251Message();
        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob")));

        var reopened = await temp.ReopenAsync();

        Assert.Equal(raw, await reopened.ReadMessageAsync(stored.Id));
        Assert.Equal("Привет, мир!", (await reopened.FindMessageAsync(stored.Id))?.Subject);
    }

    [Fact]
    public async Task Open_newDatabase_walDurableAndVersioned()
    {
        await using var temp = TempMailStore.Create();

        Assert.Equal(Path.Combine(temp.Directory, "mail.db"), temp.Store.DatabasePath);
        using var connection = temp.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        Assert.Equal(MailSchema.Version, temp.Scalar("PRAGMA user_version;"));
    }

    [Fact]
    public async Task Open_newDatabase_writerSyncsFullyAndTheWalIsCappedAfterCheckpoints()
    {
        await using var temp = TempMailStore.Create();

        Assert.Equal(2, await temp.Store.ReadWriterPragmaAsync("synchronous")); // FULL
        Assert.Equal(64L * 1024 * 1024, await temp.Store.ReadWriterPragmaAsync("journal_size_limit"));
    }

    [Fact]
    public void OpenReadOnly_noStore_throwsNoMailStoreAndCreatesNothing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "nk-missing-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<MailStoreException>(() => MailStore.OpenReadOnly(missing));

        Assert.Equal($"no mail store at {missing}", error.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task OpenReadOnly_existingStore_readsEverythingButRefusesChanges()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", "pw");
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("read me"), "bob"));

        await using var reader = MailStore.OpenReadOnly(temp.Directory);

        var summary = Assert.Single(await reader.ListMessagesAsync());
        Assert.Equal(TempMailStore.Message("read me"), await reader.ReadMessageAsync(summary.Id));
        Assert.Equal("bob", Assert.Single(await reader.ListUsersAsync()).Name);
        await Assert.ThrowsAsync<MailStoreException>(() => reader.AddUserAsync("carol", "pw"));
        await Assert.ThrowsAsync<MailStoreException>(() => reader.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("no"), "bob")));
    }

    [Fact]
    public async Task Open_databaseFromNewerVersion_refusedWithMailStoreException()
    {
        await using var temp = TempMailStore.Create();
        using (var connection = temp.OpenRaw())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<MailStoreException>(() => MailStore.Open(temp.Directory));

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }
}
