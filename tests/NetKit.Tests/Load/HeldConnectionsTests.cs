using NetKit.Tests.Support;

namespace NetKit.Tests.Load;

// Many connections held at once across the servers of one `netkit serve` (issue 12, "Load";
// bench/load.sh holds 10,000 and measures their memory), and what a connection over a limit hears.
public class HeldConnectionsTests
{
    private static readonly string[] Held = ["smtp", "pop3", "imap", "ftp", "nntp", "telnet", "echo", "reverse"];
    private const int PerService = 400;

    [Fact]
    public async Task Serve_3200ConnectionsHeldAcrossEightServices_eachGreetedNormalSessionsWorkAllReleased()
    {
        await using var serve = await LoadServe.StartAsync([.. Held, "gopher"]);
        foreach (var service in Held)
        {
            await serve.NormalSessionAsync(service); // First use (JIT, stores) before counting.
        }

        var before = serve.Descriptors;
        var gate = new SemaphoreSlim(100);
        var held = await Task.WhenAll(Held.SelectMany(service => Enumerable.Range(0, PerService).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await serve.ConnectServedAsync(service);
            }
            finally
            {
                gate.Release();
            }
        })));
        try
        {
            Assert.Equal(Held.Length * PerService, held.Length);
            foreach (var service in (string[])[.. Held, "gopher"])
            {
                await serve.NormalSessionAsync(service);
            }

            // The held ones are still served: a line on one of each gets its answer.
            for (var i = 0; i < Held.Length; i++)
            {
                if (Held[i] is "echo" or "reverse")
                {
                    await LoadServe.GreetAsync(Held[i], held[i * PerService]);
                }
            }
        }
        finally
        {
            foreach (var client in held)
            {
                client.Dispose();
            }
        }

        // Every session ends and gives its descriptor back.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (serve.Descriptors > before && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        Assert.True(serve.Descriptors <= before, $"the server still holds {serve.Descriptors - before} descriptors more than before");
    }

    [Fact]
    public async Task Serve_oneConnectionOverTheLimit_hearsTheProtocolsBusyReplyThenClose()
    {
        (string Service, string Reply)[] busy =
        [
            ("smtp", "421 localhost too busy; try again later"),
            ("pop3", "-ERR [SYS/TEMP] too busy; try again later"),
            ("imap", "* BYE too many connections; try again later"),
            ("ftp", "421 Too many connections; try again later."),
            ("nntp", "400 too many connections; try again later"),
        ];
        await using var serve = await LoadServe.StartAsync(busy.Select(b => b.Service), "--max-connections", "2");
        foreach (var (service, reply) in busy)
        {
            using var first = await serve.ConnectServedAsync(service);
            using var second = await serve.ConnectServedAsync(service);
            using var third = await RawLineClient.ConnectAsync(serve.Port(service));

            Assert.StartsWith(reply, await third.ReadLineAsync(), StringComparison.Ordinal);
            Assert.Equal("", await third.ReadToEndAsync()); // Closed after saying why, not reset.
        }
    }
}
