using System.Collections.Concurrent;
using System.Diagnostics;
using NetKit.Tests.Support;

namespace NetKit.Tests.Faults;

/// <summary>
/// Several clients each write item after item (one connection each) until the connection breaks;
/// once enough items are acknowledged the server gets SIGKILL. What was sent and what was
/// acknowledged are recorded by id, for the check after the restart.
/// </summary>
internal sealed class KillDuringBurst
{
    public ConcurrentDictionary<string, byte[]> Sent { get; } = new();

    public ConcurrentDictionary<string, byte[]> Acknowledged { get; } = new();

    /// <summary>Starts <paramref name="clients"/> writers, waits for <paramref name="acknowledgedBeforeKill"/> acknowledgements, kills the server and waits for every writer to end.</summary>
    public async Task RunAsync(ServeProcess server, int clients, int acknowledgedBeforeKill, Func<int, KillDuringBurst, Task> writeUntilBroken)
    {
        var writers = Enumerable.Range(0, clients).Select(c => Task.Run(() => writeUntilBroken(c, this))).ToList();
        var waited = Stopwatch.StartNew();
        while (Acknowledged.Count < acknowledgedBeforeKill)
        {
            Assert.True(writers.All(w => !w.IsCompleted), $"a client stopped before the kill: {writers.FirstOrDefault(w => w.IsFaulted)?.Exception}\n{server.Process.Output()}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"only {Acknowledged.Count} items acknowledged in 30 s");
            await Task.Delay(2);
        }

        await server.KillAsync();
        await Task.WhenAll(writers);

        // Some items were in flight when the server died (else the kill proved nothing).
        Assert.True(Sent.Count > Acknowledged.Count, $"{Sent.Count} sent, all acknowledged: the kill did not land mid-burst");
    }

    /// <summary>Fails unless every acknowledged id is among <paramref name="found"/>.</summary>
    public void AssertNoneLost(IReadOnlySet<string> found, string what)
    {
        var lost = Acknowledged.Keys.Where(id => !found.Contains(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {Acknowledged.Count} acknowledged {what} are gone after the restart: {string.Join(", ", lost.Take(20))}");
    }
}
