using NetKit.Mail;
using NetKit.Sasl;

namespace NetKit.Tests.Mail;

// Users: salted SCRAM credentials, case-insensitive names, the SASL credential look-up.
public class MailStoreUserTests
{
    [Fact]
    public async Task VerifyPasswordAsync_afterAdd_rightPasswordInAnyCaseOfNameOnly()
    {
        await using var temp = TempMailStore.Create();
        var added = await temp.Store.AddUserAsync("Alice", "correct horse");

        Assert.Equal("alice", added.Name);
        Assert.Equal("alice", (await temp.Store.VerifyPasswordAsync("ALICE", "correct horse"))?.Name);
        Assert.Null(await temp.Store.VerifyPasswordAsync("alice", "wrong"));
        Assert.Null(await temp.Store.VerifyPasswordAsync("nobody", "correct horse"));
        Assert.Null(await temp.Store.VerifyPasswordAsync("not a name", "correct horse"));
    }

    [Fact]
    public async Task AddUserAsync_credential_storedAsSaltedScramTextNeverThePassword()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "plain-secret");

        using var connection = temp.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT credential FROM users WHERE name = 'alice';";
        var text = (string)command.ExecuteScalar()!;

        Assert.StartsWith("SCRAM-SHA-256$4096:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-secret", text, StringComparison.Ordinal);
        Assert.True(ScramCredential.Parse(text).Verify("plain-secret"));
    }

    [Fact]
    public async Task FindAsync_knownAndUnknownUser_credentialOrNull()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "pw");

        var credential = await temp.Store.FindAsync("Alice", CancellationToken.None);

        Assert.NotNull(credential);
        Assert.True(credential.Verify("pw"));
        Assert.Null(await temp.Store.FindAsync("bob", CancellationToken.None));
    }

    [Fact]
    public async Task AddUserAsync_existingNameInOtherCase_throwsAndKeepsTheFirst()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "first");

        var error = await Assert.ThrowsAsync<MailStoreException>(() => temp.Store.AddUserAsync("ALICE", "second"));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await temp.Store.VerifyPasswordAsync("alice", "first"));
        Assert.Single(await temp.Store.ListUsersAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("bob@example.com")]
    [InlineData("bob\n")]
    [InlineData("jürgen")]
    [InlineData("x/y")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public async Task AddUserAsync_invalidName_throwsAndAddsNothing(string name)
    {
        await using var temp = TempMailStore.Create();

        var error = await Assert.ThrowsAsync<MailStoreException>(() => temp.Store.AddUserAsync(name, "pw"));

        Assert.Contains("invalid user name", error.Message, StringComparison.Ordinal);
        Assert.Empty(await temp.Store.ListUsersAsync());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("first.last_2-x")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 64
    public async Task AddUserAsync_validName_added(string name)
    {
        await using var temp = TempMailStore.Create();

        await temp.Store.AddUserAsync(name, "pw");

        Assert.Equal(name, Assert.Single(await temp.Store.ListUsersAsync()).Name);
    }

    [Fact]
    public async Task RemoveUserAsync_keepMail_trueThenFalseAndMailStays()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", "pw");
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("kept"), "bob"));

        Assert.True(await temp.Store.RemoveUserAsync("BOB", keepMail: true));
        Assert.False(await temp.Store.RemoveUserAsync("bob", keepMail: true));
        Assert.False(await temp.Store.RemoveUserAsync("not valid!"));

        Assert.Null(await temp.Store.FindUserAsync("bob"));
        Assert.Single(await temp.Store.ListMessagesAsync("bob"));
    }

    [Fact]
    public async Task RemoveUserAsync_default_deletesTheAccountsMailButNotContentOthersHold()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", "pw");
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("bob only"), "bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("shared"), "bob", "carol"));

        Assert.True(await temp.Store.RemoveUserAsync("bob"));

        Assert.Empty(await temp.Store.ListMessagesAsync("bob"));
        Assert.Empty(await temp.Store.ListMailboxesAsync("bob"));
        var carol = Assert.Single(await temp.Store.ListMessagesAsync("carol"));
        Assert.Equal(TempMailStore.Message("shared"), await temp.Store.ReadMessageAsync(carol.Id));
        Assert.Equal(1, temp.Scalar("SELECT count(*) FROM messages"));
        Assert.Equal(1, temp.Scalar("SELECT count(*) FROM message_bodies"));
    }

    [Fact]
    public async Task AddUserAsync_nameOfRemovedUser_newUserDoesNotInheritTheOldMail()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", "old");
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("private to the old bob"), "bob"));
        await temp.Store.RemoveUserAsync("bob");

        await temp.Store.AddUserAsync("bob", "new");

        Assert.Empty(await temp.Store.ListMessagesAsync("bob", MailStore.Inbox));
    }

    [Fact]
    public async Task AddUserAsync_accountHoldsKeptMail_refusedUnlessAdoptMail()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", "old");
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("kept"), "bob"));
        await temp.Store.RemoveUserAsync("bob", keepMail: true);

        var refused = await Assert.ThrowsAsync<MailStoreException>(() => temp.Store.AddUserAsync("Bob", "new"));
        Assert.Contains("1 message(s)", refused.Message, StringComparison.Ordinal);
        Assert.Null(await temp.Store.FindUserAsync("bob"));

        await temp.Store.AddUserAsync("bob", "new", adoptMail: true);
        Assert.Equal("kept", Assert.Single(await temp.Store.ListMessagesAsync("bob")).Subject);
    }

    [Fact]
    public async Task VerifyPasswordAsync_unknownOrInvalidUser_costsAPasswordCheckLikeAKnownOne()
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "right");

        foreach (var name in new[] { "nobody", "not a name" })
        {
            var before = PasswordCheck.DummyChecks;
            Assert.Null(await temp.Store.VerifyPasswordAsync(name, "wrong"));
            Assert.True(PasswordCheck.DummyChecks > before, $"no password check ran for \"{name}\"");
        }
    }

    [Fact]
    public async Task ListUsersAsync_afterReopen_sortedWithCreationTime()
    {
        await using var temp = TempMailStore.Create();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await temp.Store.AddUserAsync("carol", "pw");
        await temp.Store.AddUserAsync("alice", "pw");

        var users = await (await temp.ReopenAsync()).ListUsersAsync();

        Assert.Equal(["alice", "carol"], users.Select(u => u.Name));
        Assert.All(users, u => Assert.InRange(u.Created, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.NotNull(await temp.Store.VerifyPasswordAsync("carol", "pw"));
    }
}
