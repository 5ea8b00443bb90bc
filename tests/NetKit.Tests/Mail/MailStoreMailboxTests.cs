using NetKit.Mail;

namespace NetKit.Tests.Mail;

public sealed class MailStoreMailboxTests
{
    [Fact]
    public async Task CreateMailbox_newThenDuplicate_alreadyExists()
    {
        await using var temp = TempMailStore.Create();
        Assert.Equal(MailboxResult.Done, await temp.Store.CreateMailboxAsync("bob", "Work"));
        Assert.Equal(MailboxResult.AlreadyExists, await temp.Store.CreateMailboxAsync("BOB", "Work"));
        var info = await temp.Store.GetMailboxAsync("bob", "Work");
        Assert.NotNull(info);
        Assert.Equal(1, info.UidNext);
    }

    [Fact]
    public async Task RenameMailbox_movesChildren_keepsUidValidity()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.EnsureMailboxesAsync("bob", ["A", "A/B", "A/B/C", "AX"]);
        var before = await temp.Store.GetMailboxAsync("bob", "A/B");
        Assert.Equal(MailboxResult.Done, await temp.Store.RenameMailboxAsync("bob", "A", "Z"));
        var names = (await temp.Store.ListMailboxesAsync("bob")).Select(m => m.Name).ToArray();
        Assert.Equal(["AX", "Z", "Z/B", "Z/B/C"], names);
        Assert.Equal(before!.UidValidity, (await temp.Store.GetMailboxAsync("bob", "Z/B"))!.UidValidity);
        Assert.Equal(MailboxResult.NotFound, await temp.Store.RenameMailboxAsync("bob", "A", "Q"));
        Assert.Equal(MailboxResult.AlreadyExists, await temp.Store.RenameMailboxAsync("bob", "Z", "AX"));
    }

    [Fact]
    public async Task RenameInbox_movesMessages_leavesInboxEmpty()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("one"), "bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("two"), "bob"));
        Assert.Equal(MailboxResult.Done, await temp.Store.RenameMailboxAsync("bob", MailStore.Inbox, "Old"));
        Assert.Empty(await temp.Store.ListEntriesAsync("bob", MailStore.Inbox));
        Assert.Equal([1L, 2L], (await temp.Store.ListEntriesAsync("bob", "Old")).Select(e => e.Uid));
        var third = await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("three"), "bob"));
        Assert.Equal(3, third[0].Uid); // INBOX's UIDs are never given again
    }

    [Fact]
    public async Task DeleteMailbox_removesMessages_butKeepsSharedContent()
    {
        await using var temp = TempMailStore.Create();
        var stored = await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("one"), "bob"));
        await temp.Store.CreateMailboxAsync("bob", "Keep");
        await temp.Store.CopyEntriesAsync("bob", MailStore.Inbox, [stored[0].Id], "Keep", move: false);
        await temp.Store.CreateMailboxAsync("bob", "Gone");
        await temp.Store.AppendAsync("bob", "Gone", TempMailStore.Message("appended"), "", DateTimeOffset.UtcNow);
        Assert.Equal(MailboxResult.Done, await temp.Store.DeleteMailboxAsync("bob", "Gone"));
        Assert.Equal(MailboxResult.Done, await temp.Store.DeleteMailboxAsync("bob", MailStore.Inbox));
        Assert.Equal(MailboxResult.NotFound, await temp.Store.DeleteMailboxAsync("bob", "Gone"));
        Assert.Single(await temp.Store.ListEntriesAsync("bob", "Keep"));
        Assert.Equal(1, temp.Scalar("SELECT count(*) FROM messages;"));
    }

    [Fact]
    public async Task Append_keepsBytesFlagsAndDate_nullForMissingMailbox()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.EnsureMailboxesAsync("bob", [MailStore.Inbox]);
        var raw = "Subject: x\r\n\r\nbody\r\n"u8.ToArray();
        var date = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var stored = await temp.Store.AppendAsync("bob", MailStore.Inbox, raw, "\\Seen", date);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Uid);
        var entry = Assert.Single(await temp.Store.ListEntriesAsync("bob", MailStore.Inbox));
        Assert.Equal(("\\Seen", date, raw.Length), (entry.Flags, entry.InternalDate, (int)entry.Size));
        Assert.Equal(raw, await temp.Store.ReadMessageAsync(entry.Id));
        Assert.Null(await temp.Store.AppendAsync("bob", "Nope", raw, "", date));
    }

    [Fact]
    public async Task MoveEntries_newUidsInOrder_andSourceEmptied()
    {
        await using var temp = TempMailStore.Create();
        for (var i = 0; i < 3; i++)
        {
            await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"m{i}"), "bob"));
        }

        await temp.Store.CreateMailboxAsync("bob", "Archive");
        var entries = await temp.Store.ListEntriesAsync("bob", MailStore.Inbox);
        await temp.Store.SetFlagsAsync("bob", MailStore.Inbox, [(entries[1].Id, "\\Flagged")]);
        var result = await temp.Store.CopyEntriesAsync("bob", MailStore.Inbox, [entries[2].Id, entries[1].Id], "Archive", move: true);
        Assert.NotNull(result);
        Assert.Equal([(3L, 1L), (2L, 2L)], result.Uids);
        Assert.Equal((await temp.Store.GetMailboxAsync("bob", "Archive"))!.UidValidity, result.UidValidity);
        Assert.Single(await temp.Store.ListEntriesAsync("bob", MailStore.Inbox));
        var moved = await temp.Store.ListEntriesAsync("bob", "Archive");
        Assert.Equal("\\Flagged", moved[1].Flags);
        Assert.Null(await temp.Store.CopyEntriesAsync("bob", MailStore.Inbox, [entries[0].Id], "Missing", move: false));
    }

    [Fact]
    public async Task Subscriptions_addRemoveList()
    {
        await using var temp = TempMailStore.Create();
        Assert.True(await temp.Store.SetSubscribedAsync("bob", "b", true));
        Assert.False(await temp.Store.SetSubscribedAsync("bob", "b", true));
        await temp.Store.SetSubscribedAsync("bob", "a", true);
        Assert.Equal(["a", "b"], await temp.Store.ListSubscriptionsAsync("bob"));
        Assert.True(await temp.Store.SetSubscribedAsync("bob", "a", false));
        Assert.Equal(["b"], await temp.Store.ListSubscriptionsAsync("bob"));
    }

    [Fact]
    public async Task MailboxChanged_raisedAfterDeliveryAndExpunge()
    {
        await using var temp = TempMailStore.Create();
        var seen = new List<string>();
        temp.Store.MailboxChanged += (_, e) => { lock (seen) { seen.Add($"{e.Account}/{e.Mailbox}"); } };
        var stored = await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("x"), "bob", "carol"));
        await temp.Store.ExpungeAsync("bob", MailStore.Inbox, [stored[0].Id]);
        Assert.Equal(["bob/INBOX", "carol/INBOX", "bob/INBOX"], seen);
    }

    [Fact]
    public async Task Open_versionOneStore_isUpgraded()
    {
        await using var temp = TempMailStore.Create();
        using (var raw = temp.OpenRaw())
        {
            using var command = raw.CreateCommand();
            command.CommandText = "DROP TABLE subscriptions; DROP TABLE message_structures; PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }

        var store = await temp.ReopenAsync();
        Assert.True(await store.SetSubscribedAsync("bob", "x", true));
        Assert.Equal(MailSchema.Version, temp.Scalar("PRAGMA user_version;"));
    }
}
