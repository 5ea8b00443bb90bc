using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Load;

// Slowloris (issue 12, "Load"): clients that trickle a command line a byte at a time and never
// end it are dropped at the command (or idle) timeout, which each trickled byte must not reset,
// with the protocol's reply where it has one; a normal client is served meanwhile.
// bench/load.sh measures the same with 1,000 clients at one byte a second.
public class SlowlorisTests
{
    private const int PerService = 60;

    // The reply each server sends when the whole line did not come in time (Telnet's goodbye
    // follows an empty line, a fresh line after what the client was typing).
    private static readonly (string Service, string Start, string Reply)[] Servers =
    [
        ("smtp", "EHLO ", "421 4.4.2 Timeout; closing the connection"),
        ("pop3", "USER ", "-ERR autologout; idle for too long"),
        ("nntp", "GROUP ", "400 idle for too long; goodbye"),
        ("gopher", "", "3request timed out: send a selector and CRLF\t\terror.host\t1"),
        ("imap", "a1 LOGIN ", "* BYE Autologout; idle for too long"),
        ("ftp", "USER ", "421 Timeout: no command for 1 seconds; closing control connection."),
        ("telnet", "", "idle for too long; goodbye"),
    ];

    [Fact]
    public async Task Serve_420ClientsTricklingLinesThatNeverEnd_droppedWithTheProtocolsReplyWhileANormalClientIsServed()
    {
        // Command timeouts of 1 s (the idle timeout, 2 s, is longer, so each protocol answers first); every slow client sends a byte each 250 ms, so a timeout that each byte
        // restarted would never fire.
        await using var serve = await LoadServe.StartAsync(Servers.Select(s => s.Service), "--command-timeout", "1", "--idle-timeout", "2");
        var total = Servers.Length * PerService;
        var trickling = 0;
        var allTrickling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Started()
        {
            if (Interlocked.Increment(ref trickling) == total)
            {
                allTrickling.SetResult();
            }
        }

        var slow = Servers.SelectMany(s => Enumerable.Range(0, PerService).Select(_ => TrickleAsync(serve, s.Service, s.Start, Started))).ToList();
        await Task.WhenAny(allTrickling.Task, Task.WhenAll(slow)); // A client that failed to start fails below.

        // Meanwhile a normal client's whole sessions: each line is sent at once, so no deadline is near.
        await serve.NormalSessionAsync("smtp");
        await serve.NormalSessionAsync("pop3");

        var results = await Task.WhenAll(slow);
        foreach (var (service, _, reply) in Servers)
        {
            var mine = results.Where(r => r.Service == service).ToList();
            Assert.Equal(PerService, mine.Count);
            Assert.All(mine, r => Assert.True(r.Closed, $"{service}: still open after {r.Sent} bytes"));
            Assert.All(mine, r => Assert.Equal(reply, r.Reply.TrimStart('\r', '\n').Split("\r\n")[0].TrimEnd()));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("90000")]
    public async Task Serve_commandTimeoutOutOfRange_usageErrorBeforeServing(string seconds)
    {
        var result = await NetKit.Tests.Support.NetkitCli.RunAsync("serve", "smtp=127.0.0.1:0", "--command-timeout", seconds);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--command-timeout must be a number of seconds above 0 and at most 86400", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("serving", result.Stdout, StringComparison.Ordinal);
    }

    private sealed record Trickled(string Service, bool Closed, int Sent, string Reply);

    /// <summary>
    /// Connects, takes the greeting, then sends <paramref name="start"/> and 'x' after 'x', a byte
    /// each 250 ms, until the server closes, or for 30 s at most (a generous bound: the timeouts are 1 and 2 s).
    /// </summary>
    private static async Task<Trickled> TrickleAsync(LoadServe serve, string service, string start, Action started)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serve.Port(service)));
        await SkipGreetingAsync(socket, service);
        var received = new List<byte>();
        var reading = ReadUntilClosedAsync(socket, received);
        var line = Encoding.ASCII.GetBytes(start);
        var sent = 0;
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!reading.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await socket.SendAsync(sent < line.Length ? line.AsMemory(sent, 1) : "x"u8.ToArray(), SocketFlags.None);
                if (sent++ == 0)
                {
                    started();
                }
            }
            catch (SocketException)
            {
                break; // Closed under our feet: the read below says how.
            }

            await Task.WhenAny(reading, Task.Delay(250));
        }

        var closed = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(5))) == reading;
        socket.Close(); // Ends the read if the server never did.
        await reading;
        return new Trickled(service, closed, sent, Encoding.UTF8.GetString([.. received]));
    }

    /// <summary>Reads the greeting byte by byte, so nothing after it is taken.</summary>
    private static async Task SkipGreetingAsync(Socket socket, string service)
    {
        var end = service switch
        {
            "gopher" => null,
            "telnet" => "netkit> ",
            _ => "\n",
        };
        var seen = new StringBuilder();
        var one = new byte[1];
        while (end is not null && !seen.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.True(await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 1, $"{service} closed before its greeting ended: {seen}");
            seen.Append((char)one[0]);
        }
    }

    /// <summary>Everything the server sends until it closes (a reset after its reply counts as a close).</summary>
    private static async Task ReadUntilClosedAsync(Socket socket, List<byte> received)
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Reset or closed by us at the bound; Closed says which.
        }
    }
}
