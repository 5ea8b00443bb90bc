using System.Net;
using NetKit.Mail;
using NetKit.Pop3;
using NetKit.Pop3.Client;
using NetKit.Pop3.Server;
using NetKit.Tests.Mail;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Pop3;

/// <summary>The POP3 server over the SQLite mail store (users' INBOX).</summary>
public class Pop3MailStoreTests
{
    /// <summary>A store with user bob (password "pw"); users come before their mail.</summary>
    private static async Task<TempMailStore> StoreWithBobAsync()
    {
        var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", "pw");
        return temp;
    }

    private static Task<StreamServer> ServeAsync(MailStore store)
    {
        var server = new Pop3Server(new MailStoreMaildrops(store), new Pop3ServerOptions { AllowPlaintextLogin = true, LoginFailureDelay = TimeSpan.FromMilliseconds(10) });
        return Task.FromResult(server.Listen(new IPEndPoint(IPAddress.Loopback, 0)));
    }

    private static string Address(StreamServer server) => $"127.0.0.1:{((IPEndPoint)server.LocalEndPoint!).Port}";

    [Fact]
    public async Task Retr_givesDeliveredBytesBack_exactly()
    {
        await using var temp = await StoreWithBobAsync();
        byte[][] raws =
        [
            TempMailStore.Message("one", ".leading dot\r\n..two dots\r\n."),
            "Subject: bare lf\n\nline\n"u8.ToArray(),
            [],
        ];
        foreach (var raw in raws)
        {
            await temp.Store.DeliverAsync(TempMailStore.Delivery(raw, "bob"));
        }

        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("not bob's"), "carol"));
        await using var listener = await ServeAsync(temp.Store);
        await using var client = await Pop3Client.ConnectAsync(Address(listener));
        await client.LoginAsync("BOB", "pw");
        var list = await client.ListAsync();
        Assert.Equal(3, list.Count);
        Assert.Equal(raws[0], await client.RetrAsync(1));
        Assert.Equal("Subject: bare lf\r\n\r\nline\r\n"u8.ToArray(), await client.RetrAsync(2)); // wire form: CRLF
        Assert.Equal(list[1].Size, (await client.RetrAsync(2)).Length);
        Assert.Empty(await client.RetrAsync(3));
        Assert.Equal(0, list[2].Size);
        Assert.Equal(raws[0].Length, list[0].Size);
    }

    [Fact]
    public async Task Uidl_isStableAcrossRestarts_andDeletionsHappenAtQuit()
    {
        await using var temp = await StoreWithBobAsync();
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("1"), "bob"));
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("2"), "bob"));
        IReadOnlyList<Pop3UidEntry> before;
        await using (var listener = await ServeAsync(temp.Store))
        {
            await using var client = await Pop3Client.ConnectAsync(Address(listener));
            await client.LoginAsync("bob", "pw");
            before = await client.UidlAsync();
            Assert.Equal(2, before.Select(u => u.UniqueId).Distinct().Count());
            await client.DeleAsync(1);
            Assert.Equal(2, (await temp.Store.ListMessagesAsync("bob")).Count); // not yet
            await client.QuitAsync();
        }

        Assert.Single(await temp.Store.ListMessagesAsync("bob"));
        var reopened = await temp.ReopenAsync();
        await using (var listener = await ServeAsync(reopened))
        {
            await using var client = await Pop3Client.ConnectAsync(Address(listener));
            await client.LoginAsync("bob", "pw");
            Assert.Equal([new Pop3UidEntry(1, before[1].UniqueId)], await client.UidlAsync());
        }
    }

    [Fact]
    public async Task DroppedConnection_deletesNothing()
    {
        await using var temp = await StoreWithBobAsync();
        await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("1"), "bob"));
        await using var listener = await ServeAsync(temp.Store);
        using (var raw = await RawLineClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port))
        {
            await raw.ReadLineAsync();
            await raw.CommandAsync("USER bob");
            Assert.StartsWith("+OK", await raw.CommandAsync("PASS pw"));
            Assert.StartsWith("+OK", await raw.CommandAsync("DELE 1"));
            raw.Reset();
        }

        await using var client = await Pop3Client.ConnectAsync(Address(listener));
        await client.LoginAsync("bob", "pw"); // the lock is free again
        Assert.Equal(1, (await client.StatAsync()).Count);
        Assert.Single(await temp.Store.ListMessagesAsync("bob"));
    }

    [Fact]
    public async Task Apop_isRefusedCleanly_andNotAdvertised()
    {
        await using var temp = await StoreWithBobAsync();
        await using var listener = await ServeAsync(temp.Store);
        using var raw = await RawLineClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);
        var greeting = await raw.ReadLineAsync();
        Assert.DoesNotContain("<", greeting);
        Assert.StartsWith("-ERR APOP is not available", await raw.CommandAsync("APOP bob 0123456789abcdef0123456789abcdef"));
        Assert.StartsWith("+OK", await raw.CommandAsync("USER bob"));
        Assert.StartsWith("+OK", await raw.CommandAsync("PASS pw"));
    }

    [Fact]
    public async Task DeletionsAtQuit_tellTheStoresListeners()
    {
        await using var temp = await StoreWithBobAsync();
        var stored = await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("to delete"), "bob"));
        var changes = new List<MailboxChangedEventArgs>();
        temp.Store.MailboxChanged += (_, e) => { lock (changes) { changes.Add(e); } };
        var maildrops = new MailStoreMaildrops(temp.Store);
        await using (var drop = await maildrops.TryOpenAsync("bob", CancellationToken.None))
        {
            Assert.NotNull(drop);
            await drop.DeleteAsync([0], CancellationToken.None);
        }

        lock (changes)
        {
            var change = Assert.Single(changes);
            Assert.Equal("INBOX", change.Mailbox);
            Assert.Equal([stored[0].Id], change.Removed);
        }
    }

    [Fact]
    public async Task TwoSourcesOverOneStore_shareTheirLocks()
    {
        await using var temp = await StoreWithBobAsync();
        var one = new MailStoreMaildrops(temp.Store);
        var two = new MailStoreMaildrops(temp.Store);
        await using var held = await one.TryOpenAsync("bob", CancellationToken.None);
        Assert.NotNull(held);
        Assert.Null(await two.TryOpenAsync("BOB", CancellationToken.None));
    }

    [Fact]
    public async Task SecondSession_isInUse_scramLoginWorks()
    {
        await using var temp = await StoreWithBobAsync();
        await using var listener = await ServeAsync(temp.Store);
        await using var first = await Pop3Client.ConnectAsync(Address(listener));
        await first.AuthenticateAsync("SCRAM-SHA-256", "bob", "pw");
        await using var second = await Pop3Client.ConnectAsync(Address(listener));
        var busy = await Assert.ThrowsAsync<Pop3CommandException>(() => second.UserPassAsync("Bob", "pw"));
        Assert.Equal(Pop3ResponseCodes.InUse, busy.Code);
    }
}
