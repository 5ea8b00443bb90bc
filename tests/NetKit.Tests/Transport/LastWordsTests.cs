using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class LastWordsTests
{
    [Fact]
    public async Task TrySay_heard_isTrueAndPassesABoundedToken()
    {
        CancellationToken seen = default;
        Assert.True(await LastWords.TrySayAsync(ct =>
        {
            seen = ct;
            return ValueTask.CompletedTask;
        }));
        Assert.True(seen.CanBeCanceled);
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("io")]
    [InlineData("disposed")]
    [InlineData("cancelled")]
    public async Task TrySay_peerGoneOrTooSlow_isFalse(string how)
    {
        Exception failure = how switch
        {
            "reset" => new SocketException((int)SocketError.ConnectionReset),
            "io" => new IOException("broken pipe"),
            "disposed" => new ObjectDisposedException("connection"),
            _ => new OperationCanceledException(),
        };
        Assert.False(await LastWords.TrySayAsync(_ => ValueTask.FromException(failure)));
    }

    [Fact]
    public async Task TrySay_aWriteThatIgnoresItsToken_isGivenUpAtTheGrace()
    {
        // A peer that never reads, behind a write that does not heed cancellation: the session must
        // still go on (and close) once the grace is over.
        var never = new TaskCompletionSource();
        Assert.False(await LastWords.TrySayAsync(_ => new ValueTask(never.Task)));
        never.SetResult();
    }

    [Fact]
    public async Task TrySay_bug_isNotSwallowed()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await LastWords.TrySayAsync(_ => ValueTask.FromException(new InvalidOperationException("bug"))));
    }
}
