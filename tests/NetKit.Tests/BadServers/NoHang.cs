namespace NetKit.Tests.BadServers;

/// <summary>
/// Runs a client call against a misbehaving peer and returns what it threw. A
/// generous outer guard turns a hang into a failed test (never a timing
/// assertion): the clients are given short timeouts of their own.
/// </summary>
internal static class NoHang
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    public static async Task<T> ThrowsAsync<T>(Func<Task> call)
        where T : Exception
    {
        var run = Task.Run(call);
        var finished = await Task.WhenAny(run, Task.Delay(Guard));
        Assert.True(ReferenceEquals(finished, run), $"the client did not finish within {Guard.TotalSeconds} s against the misbehaving server (it hangs)");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => run);
        return ex as T ?? throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, got {ex}");
    }
}
