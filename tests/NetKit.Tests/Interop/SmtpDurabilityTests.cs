using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NetKit.Mail;
using NetKit.Smtp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// "Acknowledged means durable": the server is killed (SIGKILL, no clean stop) during a burst of
// deliveries from several clients; every message that got its 250 is in the store afterwards,
// byte-exact, and nothing is stored that was not sent whole.
public class SmtpDurabilityTests
{
    private const string Account = "durable@example.com";
    private const int Clients = 6;
    private const int AcknowledgedBeforeKill = 150;

    [Fact]
    public async Task Serve_sigkillDuringBurstFromSeveralClients_everyMessageThatGot250IsStoredByteExact()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            var sent = new ConcurrentDictionary<string, byte[]>();
            var acknowledged = new ConcurrentDictionary<string, byte[]>();
            await using (var server = await SmtpServeProcess.StartOnAsync(data, "--catch-all"))
            {
                var clients = Enumerable.Range(0, Clients)
                    .Select(c => Task.Run(() => DeliverUntilBrokenAsync(server.Port, c, sent, acknowledged)))
                    .ToList();
                var waited = Stopwatch.StartNew();
                while (acknowledged.Count < AcknowledgedBeforeKill)
                {
                    Assert.True(clients.All(c => !c.IsCompleted), $"a client stopped before the kill: {clients.FirstOrDefault(c => c.IsFaulted)?.Exception}\n{server.Serve.Process.Output()}");
                    Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"only {acknowledged.Count} messages acknowledged in 30 s");
                    await Task.Delay(2);
                }

                await server.KillAsync();
                await Task.WhenAll(clients);
            }

            // The store opens after the crash, and the server serves again on it.
            await using (var restarted = await SmtpServeProcess.StartOnAsync(data, "--catch-all"))
            {
                var (client, _) = await SmtpWireClient.ConnectEhloAsync(restarted.Port);
                await using (client)
                {
                    var reply = await client.SendMailAsync("a@example.com", ["after-restart@example.com"], "Subject: after the crash\r\n\r\nhello\r\n"u8.ToArray());
                    Assert.True(reply.Code == 250, $"after the restart: {reply}");
                }

                await restarted.StopAsync();
            }

            var stored = new Dictionary<string, byte[]>();
            await using (var store = MailStore.Open(data))
            {
                foreach (var message in await store.ListMessagesAsync(Account))
                {
                    var bytes = await store.ReadMessageAsync(message.Id);
                    Assert.NotNull(bytes);
                    var id = TestId(bytes);
                    Assert.True(sent.TryGetValue(id, out var original), $"stored message {message.Id} was never sent whole: {ByteAssert.Show(bytes)}");
                    ByteAssert.Equal(original, bytes, $"stored message {id}");
                    Assert.True(stored.TryAdd(id, bytes), $"{id} is stored twice");
                }
            }

            var lost = acknowledged.Keys.Where(id => !stored.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged messages are not in the store: {string.Join(", ", lost.Take(20))}");
            Assert.True(acknowledged.Count >= AcknowledgedBeforeKill, $"{acknowledged.Count} acknowledged");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>One client: one connection, message after message (each with an id of its own) until the connection breaks.</summary>
    private static async Task DeliverUntilBrokenAsync(int port, int client, ConcurrentDictionary<string, byte[]> sent, ConcurrentDictionary<string, byte[]> acknowledged)
    {
        try
        {
            var (connection, _) = await SmtpWireClient.ConnectEhloAsync(port);
            await using var _ = connection;
            for (var n = 0; ; n++)
            {
                var id = $"c{client}-m{n}@durable.test";
                var message = Message(id, client, n);
                // MAIL, RCPT and DATA pipelined, as smtp-source and Postfix do.
                await connection.SendAsync($"MAIL FROM:<sender{client}@example.com>\r\nRCPT TO:<{Account}>\r\nDATA\r\n");
                Assert.Equal(250, (await connection.ReadReplyAsync()).Code);
                Assert.Equal(250, (await connection.ReadReplyAsync()).Code);
                Assert.Equal(354, (await connection.ReadReplyAsync()).Code);
                sent[id] = message;
                await connection.SendAsync(DotStuffer.Encode(message));
                var reply = await connection.ReadReplyAsync();
                Assert.True(reply.Code == 250, $"{id}: {reply}");
                acknowledged[id] = message;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or SmtpProtocolException)
        {
            // The server is gone: the end of this client's burst.
        }
    }

    private static byte[] Message(string id, int client, int n)
    {
        var body = new StringBuilder();
        for (var line = 0; line < 24; line++)
        {
            body.Append(line % 5 == 0 ? "." : "").Append($"client {client} message {n} line {line}: ").Append('x', 40 + ((n + line) % 30)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes($"Message-Id: <{id}>\r\nFrom: <sender{client}@example.com>\r\nTo: <{Account}>\r\nSubject: durable {n}\r\n\r\n{body}");
    }

    private static string TestId(byte[] message)
    {
        var text = Encoding.UTF8.GetString(message);
        var start = text.IndexOf("Message-Id: <", StringComparison.Ordinal);
        Assert.True(start == 0, $"a stored message without the test's Message-Id first: {ByteAssert.Show(message)}");
        var end = text.IndexOf('>', StringComparison.Ordinal);
        return text["Message-Id: <".Length..end];
    }
}
