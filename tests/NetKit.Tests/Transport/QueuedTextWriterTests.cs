using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class QueuedTextWriterTests
{
    [Fact]
    public void Dispose_writesEveryQueuedLineInOrder()
    {
        var output = new StringWriter();
        using (var queued = new QueuedTextWriter(output))
        {
            for (var i = 0; i < 1000; i++)
            {
                queued.WriteLine($"line {i}");
            }
        }

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"line {i}"), lines);
    }

    [Fact]
    public void WriteLine_outputThatDoesNotMove_neverBlocksAndCountsWhatItDrops()
    {
        var stuck = new BlockingWriter();
        var queued = new QueuedTextWriter(stuck, capacity: 10);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++)
        {
            queued.WriteLine("x");
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "writing lines blocked");
        stuck.Release.Set();
        queued.Dispose();
        Assert.Contains("trace lines dropped", stuck.Text, StringComparison.Ordinal);
    }

    /// <summary>An output whose reader has stopped reading, until released.</summary>
    private sealed class BlockingWriter : StringWriter
    {
        public ManualResetEventSlim Release { get; } = new();

        public string Text => ToString();

        public override Task WriteLineAsync(string? value)
        {
            Release.Wait();
            lock (this)
            {
                base.WriteLine(value);
            }

            return Task.CompletedTask;
        }
    }
}
