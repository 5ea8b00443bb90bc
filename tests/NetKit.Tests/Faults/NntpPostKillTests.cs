using System.Net.Sockets;
using System.Text;
using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Faults;

// SIGKILL of `netkit serve nntp` during a burst of POSTs from several clients: after a restart on the
// same data directory every article that got 240 is readable with its body byte-exact, article numbers
// are unique, and the next article gets a number above all of them (no reuse).
public class NntpPostKillTests
{
    private const string Group = "local.faults";
    private const int Clients = 4;
    private const int AcknowledgedBeforeKill = 120;

    [Fact]
    public async Task ServeNntp_sigkillDuringPostBurst_everyArticleThatGot240IsReadableByteExact()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            string[] arguments = ["nntp=127.0.0.1:0", "--data", data, "--newsgroup", Group];
            var burst = new KillDuringBurst();
            await using (var server = await ServeProcess.StartAsync(arguments))
            {
                var port = server.Port("nntp");
                await burst.RunAsync(server, Clients, AcknowledgedBeforeKill, (c, b) => PostUntilBrokenAsync(port, c, b));
            }

            await using (var restarted = await ServeProcess.StartAsync(arguments))
            {
                await using var client = await ConnectAsync(restarted.Port("nntp"));
                var group = await client.GroupAsync(Group);
                var overview = group.Count == 0 ? [] : await client.OverAsync(new NntpRange(group.Low, null));
                var numbers = overview.Select(o => o.Number).ToList();
                Assert.Equal(numbers.Order().Distinct(), numbers);

                var found = new HashSet<string>(StringComparer.Ordinal);
                foreach (var article in overview)
                {
                    var id = article.MessageId.Trim('<', '>');
                    Assert.True(burst.Sent.TryGetValue(id, out var original), $"article {article.Number} {article.MessageId} was never sent whole");
                    var body = await client.BodyAsync(article.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    ByteAssert.Equal(Body(original), body.Raw, $"the body of article {article.Number} ({id})");
                    Assert.True(found.Add(id), $"{id} is there twice");
                }

                burst.AssertNoneLost(found, "POSTs");

                // Numbering goes on above every article there is.
                await client.PostAsync(Article("after-restart@post.test", 99, 0));
                var after = await client.GroupAsync(Group);
                var highest = numbers.DefaultIfEmpty(0).Max();
                Assert.True(after.High > highest, $"the group's high mark after one more POST is {after.High}; the highest number before was {highest}");
                var newest = Assert.Single(await client.OverAsync(new NntpRange(after.High, after.High)));
                Assert.Equal("<after-restart@post.test>", newest.MessageId);
                await restarted.StopAsync();
            }

            Assert.True(burst.Acknowledged.Count >= AcknowledgedBeforeKill, $"{burst.Acknowledged.Count} acknowledged");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<NntpClient> ConnectAsync(int port)
    {
        var client = new NntpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>One client: one connection, POST after POST until the connection breaks.</summary>
    private static async Task PostUntilBrokenAsync(int port, int client, KillDuringBurst burst)
    {
        try
        {
            await using var nntp = await ConnectAsync(port);
            for (var n = 0; ; n++)
            {
                var id = $"c{client}-m{n}@post.test";
                var article = Article(id, client, n);
                burst.Sent[id] = article;
                await nntp.PostAsync(article);
                burst.Acknowledged[id] = article;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or NntpProtocolException or ObjectDisposedException)
        {
            // The server is gone: the end of this client's burst.
        }
    }

    private static byte[] Article(string id, int client, int n)
    {
        var body = new StringBuilder();
        for (var line = 0; line < 10 + (n % 5) * 30; line++)
        {
            // Some lines start with a dot: the dot-stuffing must round-trip.
            body.Append(line % 6 == 0 ? "." : "").Append($"client {client} article {n} line {line}: ").Append('y', 20 + ((n + line) % 50)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes($"Message-ID: <{id}>\r\nFrom: Poster {client} <poster{client}@example.com>\r\nNewsgroups: {Group}\r\nSubject: post {n}\r\n\r\n{body}");
    }

    private static byte[] Body(byte[] article)
    {
        var text = Encoding.UTF8.GetString(article);
        return Encoding.UTF8.GetBytes(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
