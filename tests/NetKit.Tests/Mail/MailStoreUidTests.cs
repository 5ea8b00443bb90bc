using NetKit.Mail;

namespace NetKit.Tests.Mail;

// What IMAP and POP3 rely on: UIDs that only go up, UIDVALIDITY/UIDNEXT that survive a restart, deletion.
public class MailStoreUidTests
{
    [Fact]
    public async Task DeliverAsync_successiveMessages_uidsAscendFromOneAndUidNextFollows()
    {
        await using var temp = TempMailStore.Create();

        var uids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            uids.Add(Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"m{i}"), "bob"))).Uid);
        }

        Assert.Equal([1L, 2, 3, 4, 5], uids);
        var inbox = await temp.Store.GetMailboxAsync("bob");
        Assert.NotNull(inbox);
        Assert.Equal((6L, 5), (inbox.UidNext, inbox.MessageCount));
    }

    [Fact]
    public async Task DeleteMessagesAsync_lastMessage_itsUidAndIdAreNeverGivenAgain()
    {
        await using var temp = TempMailStore.Create();
        StoredMessage last = null!;
        for (var i = 0; i < 3; i++)
        {
            last = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message($"m{i}"), "bob")));
        }

        Assert.Equal(1, await temp.Store.DeleteMessagesAsync([last.Id]));
        await temp.ReopenAsync();
        var next = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("after"), "bob")));

        Assert.Equal(4, next.Uid);
        Assert.True(next.Id > last.Id);
        Assert.Null(await temp.Store.ReadMessageAsync(last.Id));
        Assert.Equal([1L, 2, 4], (await temp.Store.ListMessagesAsync("bob")).Select(m => m.Uid));
    }

    [Fact]
    public async Task DeleteMessagesAsync_sharedContent_keptUntilNoMailboxHoldsIt()
    {
        await using var temp = TempMailStore.Create();
        var stored = await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("shared"), "bob", "carol"));
        var raw = await temp.Store.ReadMessageAsync(stored[0].Id);

        Assert.Equal(1, await temp.Store.DeleteMessagesAsync([stored[0].Id]));
        Assert.Equal(raw, await temp.Store.ReadMessageAsync(stored[1].Id));
        Assert.Equal(1, temp.Scalar("SELECT count(*) FROM messages"));

        Assert.Equal(1, await temp.Store.DeleteMessagesAsync([stored[1].Id, stored[1].Id, 999]));
        Assert.Equal(0, temp.Scalar("SELECT count(*) FROM messages"));
        Assert.Empty(await temp.Store.ListMessagesAsync());
    }

    [Fact]
    public async Task DeleteMessagesAsync_unknownIds_deletesNothing()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("keep"), "bob"));

        Assert.Equal(0, await temp.Store.DeleteMessagesAsync([12345, -1]));
        Assert.Single(await temp.Store.ListMessagesAsync());
    }

    [Fact]
    public async Task GetMailboxAsync_afterReopen_uidValidityAndUidNextPersisted()
    {
        await using var temp = TempMailStore.Create();
        Assert.Null(await temp.Store.GetMailboxAsync("bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("one"), "bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("two"), "bob"));
        var before = await temp.Store.GetMailboxAsync("bob");

        var reopened = await temp.ReopenAsync();
        var after = await reopened.GetMailboxAsync("BOB");

        Assert.NotNull(before);
        Assert.Equal(before, after);
        Assert.Equal(3, after!.UidNext);
        Assert.True(after.UidValidity > 0);
    }

    [Fact]
    public async Task DeliverAsync_newMailboxesInOneSecond_eachGetsItsOwnHigherUidValidity()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("x"), "bob", "carol", "dave"));

        var validities = new List<long>();
        foreach (var account in new[] { "bob", "carol", "dave" })
        {
            validities.Add((await temp.Store.GetMailboxAsync(account))!.UidValidity);
        }

        Assert.Equal(validities.Order(), validities);
        Assert.Equal(3, validities.Distinct().Count());
    }

    [Fact]
    public async Task DeliverAsync_uidValidityAtTheTopOfItsRange_newMailboxStillGetsAnUnused32BitValue()
    {
        await using var temp = TempMailStore.Create();
        using (var raw = temp.OpenRaw())
        using (var insert = raw.CreateCommand())
        {
            insert.CommandText = "INSERT INTO mailboxes (account, name, uidvalidity, uidnext) VALUES ('bob', 'Archive', 4294967295, 1), ('bob', 'Sent', 1, 1);";
            insert.ExecuteNonQuery();
        }

        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("x"), "bob", "carol"));

        var bob = (await temp.Store.GetMailboxAsync("bob"))!.UidValidity;
        var carol = (await temp.Store.GetMailboxAsync("carol"))!.UidValidity;
        Assert.InRange(bob, 1, uint.MaxValue);
        Assert.InRange(carol, 1, uint.MaxValue);
        Assert.DoesNotContain(bob, new long[] { 1, 4294967295 });
    }

    [Fact]
    public async Task DeleteMessagesAsync_lastHolder_bodyRowGoesWithTheSummary()
    {
        await using var temp = TempMailStore.Create();
        var stored = await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("gone"), "bob"));

        Assert.Equal(1, await temp.Store.DeleteMessagesAsync([stored[0].Id]));

        Assert.Equal(0, temp.Scalar("SELECT count(*) FROM message_bodies"));
        Assert.Equal(0, temp.Scalar("SELECT count(*) FROM messages"));
    }

    [Fact]
    public async Task ListMailboxesAsync_afterDeliveries_theAccountsInboxOnly()
    {
        await using var temp = TempMailStore.Create();
        Assert.Empty(await temp.Store.ListMailboxesAsync("bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("one"), "bob", "carol"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("two"), "bob"));

        var inbox = Assert.Single(await temp.Store.ListMailboxesAsync("Bob"));

        Assert.Equal(("bob", "INBOX", 2), (inbox.Account, inbox.Name, inbox.MessageCount));
        Assert.Equal(["one", "two"], (await temp.Store.ListMessagesAsync("bob", MailStore.Inbox)).Select(m => m.Subject));
        Assert.Empty(await temp.Store.ListMessagesAsync("bob", "Sent"));
    }

    [Fact]
    public async Task SetFlagsAsync_flags_persistAcrossReopen()
    {
        await using var temp = TempMailStore.Create();
        var stored = Assert.Single(await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("flag me"), "bob")));

        Assert.True(await temp.Store.SetFlagsAsync(stored.Id, @"\Seen \Flagged"));
        Assert.False(await temp.Store.SetFlagsAsync(stored.Id + 100, @"\Seen"));
        var reopened = await temp.ReopenAsync();

        Assert.Equal(@"\Seen \Flagged", (await reopened.FindMessageAsync(stored.Id))?.Flags);
    }
}
