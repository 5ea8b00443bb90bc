using System.Net;
using NetKit.Pop3.Server;
using NetKit.Sasl;
using NetKit.Tests.Support;

namespace NetKit.Tests.Pop3;

/// <summary>A maildrop source that fails: the session answers -ERR [SYS/TEMP], keeps serving, and deletes nothing half-way.</summary>
public class Pop3StoreFaultTests
{
    [Fact]
    public async Task OpenFails_isSysTemp_andTheSessionGoesOn()
    {
        var inner = new InMemoryPop3Maildrops();
        inner.AddUser("alice", "secret");
        await using var listener = Listen(new FaultySource(inner) { FailOpen = true });
        using var client = await RawLineClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);
        await client.ReadLineAsync();
        await client.CommandAsync("USER alice");
        Assert.StartsWith("-ERR [SYS/TEMP]", await client.CommandAsync("PASS secret"));
        Assert.StartsWith("+OK", await client.CommandAsync("CAPA"));
    }

    [Fact]
    public async Task DeleteFailsAtQuit_isSysTemp_andNothingIsDeleted()
    {
        var inner = new InMemoryPop3Maildrops();
        inner.AddUser("alice", "secret");
        inner.AddMessage("alice", "Subject: 1\r\n\r\n1\r\n"u8.ToArray());
        inner.AddMessage("alice", "Subject: 2\r\n\r\n2\r\n"u8.ToArray());
        await using var listener = Listen(new FaultySource(inner) { FailDelete = true });
        using var client = await RawLineClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);
        await client.ReadLineAsync();
        await client.CommandAsync("USER alice");
        await client.CommandAsync("PASS secret");
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 2"));
        Assert.StartsWith("-ERR [SYS/TEMP]", await client.CommandAsync("QUIT"));
        Assert.Equal(2, inner.MessagesOf("alice").Count);
        Assert.False(inner.IsLocked("alice"));
    }

    [Fact]
    public async Task ReadFails_isSysTemp_andTheSessionGoesOn()
    {
        var inner = new InMemoryPop3Maildrops();
        inner.AddUser("alice", "secret");
        inner.AddMessage("alice", "Subject: 1\r\n\r\n1\r\n"u8.ToArray());
        await using var listener = Listen(new FaultySource(inner) { FailRead = true });
        using var client = await RawLineClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);
        await client.ReadLineAsync();
        await client.CommandAsync("USER alice");
        await client.CommandAsync("PASS secret");
        Assert.StartsWith("-ERR [SYS/TEMP]", await client.CommandAsync("RETR 1"));
        Assert.Equal("+OK 1 17", await client.CommandAsync("STAT"));
    }

    private static NetKit.Transport.StreamServer Listen(IPop3MaildropSource source) =>
        new Pop3Server(source, new Pop3ServerOptions { AllowPlaintextLogin = true }).Listen(new IPEndPoint(IPAddress.Loopback, 0));

    private sealed class FaultySource(InMemoryPop3Maildrops inner) : IPop3MaildropSource
    {
        public bool FailOpen { get; init; }

        public bool FailRead { get; init; }

        public bool FailDelete { get; init; }

        public bool SupportsApop => false;

        public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) => inner.FindAsync(userName, cancellationToken);

        public ValueTask<string?> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken) =>
            inner.VerifyPasswordAsync(userName, password, cancellationToken);

        public ValueTask<(string UserName, string Secret)?> FindApopSecretAsync(string userName, CancellationToken cancellationToken) =>
            ValueTask.FromResult<(string, string)?>(null);

        public async ValueTask<IPop3Maildrop?> TryOpenAsync(string userName, CancellationToken cancellationToken)
        {
            if (FailOpen)
            {
                throw new NetKitException("the store is down");
            }

            var maildrop = await inner.TryOpenAsync(userName, cancellationToken);
            return maildrop is null ? null : new FaultyMaildrop(maildrop, this);
        }

        private sealed class FaultyMaildrop(IPop3Maildrop inner, FaultySource faults) : IPop3Maildrop
        {
            public IReadOnlyList<Pop3MessageInfo> Messages => inner.Messages;

            public ValueTask<ReadOnlyMemory<byte>> ReadAsync(int index, CancellationToken cancellationToken) =>
                faults.FailRead ? throw new NetKitException("the disk is gone") : inner.ReadAsync(index, cancellationToken);

            public Task DeleteAsync(IReadOnlyCollection<int> indexes, CancellationToken cancellationToken) =>
                faults.FailDelete ? throw new NetKitException("the commit failed") : inner.DeleteAsync(indexes, cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
