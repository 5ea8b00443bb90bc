using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Nntp;
using NetKit.Nntp.Client;

namespace NetKit.Tests.Nntp;

/// <summary>
/// Our client against scripted server transcripts on a real loopback socket, the server's
/// side delivered whole and byte by byte (buffer boundaries), as MailKit's tests do.
/// </summary>
public sealed class NntpClientTranscriptTests
{
    private static readonly string[] GroupOverArticle =
    [
        "S: 200 news.example.net ready",
        "C: GROUP misc.test",
        "S: 211 2 3 4 misc.test",
        "C: CAPABILITIES",
        "S: 101 caps",
        "S: VERSION 2",
        "S: READER",
        "S: .",
        "C: XOVER 3-4",
        "S: 224 overview",
        "S: 3\tOne\ta@x\tdate\t<3@x>\t\t10\t1",
        "S: 4\t.Two\tb@x\tdate\t<4@x>\t<3@x>\t20\t2",
        "S: .",
        "C: ARTICLE 3",
        "S: 220 3 <3@x>",
        "S: Subject: One",
        "S: ",
        "S: ..only a dot follows",
        "S: ..",
        "S: .",
        "C: QUIT",
        "S: 205 bye",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GroupXoverArticle_fromTranscript_parseTheSame_wholeOrByteByByte(bool byteByByte)
    {
        await using var script = ScriptedServer.Start(GroupOverArticle, byteByByte);
        await using var client = new NntpClient();
        await client.ConnectAsync("127.0.0.1", script.Port);
        Assert.Equal(new NntpGroupInfo("misc.test", 2, 3, 4), await client.GroupAsync("misc.test"));
        var over = await client.OverAsync(new NntpRange(3, 4)); // no OVER capability: XOVER
        Assert.Equal([".Two", "<3@x>"], new[] { over[1].Subject, over[1].References });
        var article = await client.ArticleAsync(3);
        Assert.Equal("Subject: One\r\n\r\n.only a dot follows\r\n.\r\n", Encoding.UTF8.GetString(article.Raw));
        await client.QuitAsync();
        await script.Done;
    }

    [Fact]
    public async Task Refusal_isCommandException_andGarbage_isProtocolException()
    {
        await using var script = ScriptedServer.Start(["S: 200 ok", "C: GROUP x", "S: 411 no such group", "C: DATE", "S: hello there"], byteByByte: false);
        await using var client = new NntpClient();
        await client.ConnectAsync("127.0.0.1", script.Port);
        Assert.Equal(411, (await Assert.ThrowsAsync<NntpCommandException>(() => client.GroupAsync("x"))).Code);
        Assert.True(client.IsConnected);
        await Assert.ThrowsAsync<NntpProtocolException>(() => client.DateAsync());
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task BlockCutOffBeforeTheDot_isProtocolException()
    {
        await using var script = ScriptedServer.Start(["S: 200 ok", "C: HELP", "S: 100 help", "S: half a block"], byteByByte: false, closeAtEnd: true);
        await using var client = new NntpClient();
        await client.ConnectAsync("127.0.0.1", script.Port);
        await Assert.ThrowsAsync<NntpProtocolException>(() => client.HelpAsync());
    }

    /// <summary>Plays the S: lines and checks the C: lines of a transcript on one connection.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;

        private ScriptedServer(TcpListener listener, Task done)
        {
            _listener = listener;
            Done = done;
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task Done { get; }

        public static ScriptedServer Start(string[] script, bool byteByByte, bool closeAtEnd = false)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new ScriptedServer(listener, RunAsync(listener, script, byteByByte, closeAtEnd));
        }

        private static async Task RunAsync(TcpListener listener, string[] script, bool byteByByte, bool closeAtEnd)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var socket = await listener.AcceptSocketAsync(timeout.Token);
            await using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            foreach (var step in script)
            {
                var text = step[3..];
                if (step.StartsWith("C: ", StringComparison.Ordinal))
                {
                    Assert.Equal(text, await reader.ReadLineAsync(timeout.Token));
                    continue;
                }

                var bytes = Encoding.UTF8.GetBytes(text + "\r\n");
                if (!byteByByte)
                {
                    await stream.WriteAsync(bytes, timeout.Token);
                    continue;
                }

                foreach (var b in bytes)
                {
                    await stream.WriteAsync(new[] { b }, timeout.Token);
                    await stream.FlushAsync(timeout.Token);
                }
            }

            if (!closeAtEnd)
            {
                // Hold the connection until the client closes it.
                await reader.ReadToEndAsync(timeout.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await Done.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
            }
        }
    }
}
