using System.Globalization;
using System.Text;
using NetKit.Smtp;
using NetKit.Smtp.Server;
using NetKit.Tests.Mail;

namespace NetKit.Tests.Smtp.Server;

// The SMTP server's view of the mail store: a delivery returns once committed, and resumes its
// caller on the store's reply thread (not a thread-pool worker per message).
public class MailStoreMessageStoreTests
{
    private static SmtpReceivedMessage Message(int n) => new(
        Encoding.ASCII.GetBytes($"From: a@example.com\r\nTo: b@example.com\r\nSubject: number {n}\r\n\r\nBody {n}.\r\n"),
        "a@example.com",
        [new SmtpRecipient("b@example.com", "b@example.com")],
        new SmtpMailCommand(SmtpMailbox.Parse("a@example.com")),
        "client.example",
        "127.0.0.1",
        IsTls: false,
        AuthenticatedUser: null,
        DateTimeOffset.UtcNow);

    /// <summary>The thread right after the await: where an SMTP session sends its 250 (no context to go back to, as on a server).</summary>
    private static async Task<(string? Id, string? Thread, bool Pooled)> DeliverAndSeeWhereItResumesAsync(MailStoreMessageStore store)
    {
        var id = await store.DeliverAsync(Message(1), CancellationToken.None).ConfigureAwait(false);
        return (id, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread);
    }

    [Fact]
    public async Task DeliverAsync_resumesOnTheStoresReplyThread_notOnThePool()
    {
        // The commit is held until the caller is surely waiting: a commit that finished before the
        // await would resume the caller inline and prove nothing (and made this test flaky).
        using var commitMayGo = new ManualResetEventSlim();
        var hold = false;
        await using var temp = TempMailStore.Create(new NetKit.Mail.MailStoreOptions { BeforeCommit = () => { if (Volatile.Read(ref hold)) commitMayGo.Wait(TimeSpan.FromSeconds(30)); } });
        var store = new MailStoreMessageStore(temp.Store);
        Volatile.Write(ref hold, true);

        var delivering = DeliverAndSeeWhereItResumesAsync(store);
        Assert.False(delivering.IsCompleted);
        commitMayGo.Set();
        var (id, thread, pooled) = await delivering;

        Assert.Equal("netkit mail replies", thread);
        Assert.False(pooled);
        Assert.NotNull(id);
        Assert.Single(await temp.Store.ListMessagesAsync());
    }

    [Fact]
    public async Task DeliverAsync_manyAtOnce_eachCommittedWithItsOwnId()
    {
        await using var temp = TempMailStore.Create();
        var store = new MailStoreMessageStore(temp.Store);

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => Task.Run(async () => await store.DeliverAsync(Message(n), CancellationToken.None))));

        Assert.Equal(200, ids.Distinct().Count());
        var stored = await temp.Store.ListMessagesAsync("b@example.com");
        Assert.Equal(
            Enumerable.Range(0, 200).Select(n => string.Create(CultureInfo.InvariantCulture, $"number {n}")).Order(StringComparer.Ordinal),
            stored.Select(m => m.Subject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_storeClosed_failsWithTheStoresError()
    {
        var temp = TempMailStore.Create();
        var store = new MailStoreMessageStore(temp.Store);
        await temp.DisposeAsync();

        await Assert.ThrowsAsync<NetKit.Mail.MailStoreException>(async () => await store.DeliverAsync(Message(1), CancellationToken.None));
    }
}
