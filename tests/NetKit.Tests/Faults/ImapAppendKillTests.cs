using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using NetKit.Tests.Support;

namespace NetKit.Tests.Faults;

// SIGKILL of `netkit serve imap` during a burst of APPENDs from several clients: after a restart on
// the same data directory every APPEND that got its tagged OK is there byte-exact, nothing half-written
// is visible, and UIDs are ascending without duplicates.
public class ImapAppendKillTests
{
    private const int Clients = 4;
    private const int AcknowledgedBeforeKill = 120;

    [Fact]
    public async Task ServeImap_sigkillDuringAppendBurst_everyAcknowledgedAppendIsThereByteExact()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, "bob", "pw-bob");
            string[] arguments = ["imap=127.0.0.1:0", "--data", data, "--allow-plaintext-auth"];
            var burst = new KillDuringBurst();
            await using (var server = await ServeProcess.StartAsync(arguments))
            {
                var port = server.Port("imap");
                await burst.RunAsync(server, Clients, AcknowledgedBeforeKill, (c, b) => AppendUntilBrokenAsync(port, c, b));
            }

            await using (var restarted = await ServeProcess.StartAsync(arguments))
            {
                using var imap = await LoginAsync(restarted.Port("imap"));
                var inbox = imap.Inbox;
                await inbox.OpenAsync(FolderAccess.ReadOnly);
                var uids = await inbox.SearchAsync(MailKit.Search.SearchQuery.All);
                var values = uids.Select(u => u.Id).ToList();
                Assert.Equal(values.Order().Distinct(), values);

                var found = new HashSet<string>(StringComparer.Ordinal);
                foreach (var uid in uids)
                {
                    using var stream = await inbox.GetStreamAsync(uid, "");
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    var bytes = copy.ToArray();
                    var id = TestId(bytes);
                    Assert.True(burst.Sent.TryGetValue(id, out var original), $"UID {uid} was never sent whole: {ByteAssert.Show(bytes)}");
                    ByteAssert.Equal(original, bytes, $"UID {uid} ({id})");
                    Assert.True(found.Add(id), $"{id} is there twice");
                }

                burst.AssertNoneLost(found, "APPENDs");

                // The store takes new messages after the crash, with a UID above all the others.
                await inbox.OpenAsync(FolderAccess.ReadWrite);
                var after = await inbox.AppendAsync(MimeKit.MimeMessage.Load(new MemoryStream(Message("after-restart", 99, 0))));
                Assert.True(after is { } a && a.Id > values.DefaultIfEmpty(0u).Max(), $"APPEND after the restart got UID {after}");
                await imap.DisconnectAsync(true);
                await restarted.StopAsync();
            }

            Assert.True(burst.Acknowledged.Count >= AcknowledgedBeforeKill, $"{burst.Acknowledged.Count} acknowledged");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<ImapClient> LoginAsync(int port)
    {
        var imap = new ImapClient();
        try
        {
            await imap.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
            await imap.AuthenticateAsync("bob", "pw-bob");
            return imap;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <summary>One client (NetKit's, which sends the bytes as they are): APPEND after APPEND until the connection breaks.</summary>
    private static async Task AppendUntilBrokenAsync(int port, int client, KillDuringBurst burst)
    {
        try
        {
            await using var imap = new NetKit.Imap.Client.ImapClient(new NetKit.Imap.Client.ImapClientOptions { Security = NetKit.Imap.Client.ImapSecurity.None, AllowPlaintextLogin = true });
            await imap.ConnectAsync("127.0.0.1", port);
            await imap.LoginAsync("bob", "pw-bob");
            for (var n = 0; ; n++)
            {
                var id = $"c{client}-m{n}@append.test";
                var message = Message(id, client, n);
                burst.Sent[id] = message;
                await imap.AppendAsync("INBOX", message);
                burst.Acknowledged[id] = message;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or NetKit.Imap.ImapProtocolException or ObjectDisposedException)
        {
            // The server is gone: the end of this client's burst.
        }
    }

    private static byte[] Message(string id, int client, int n)
    {
        var body = new StringBuilder();
        for (var line = 0; line < 20 + (n % 7) * 40; line++)
        {
            body.Append($"client {client} message {n} line {line}: ").Append('x', 30 + ((n + line) % 40)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes($"Message-Id: <{id}>\r\nFrom: <sender{client}@example.com>\r\nTo: <bob@localhost>\r\nSubject: append {n}\r\n\r\n{body}");
    }

    private static string TestId(byte[] message)
    {
        var text = Encoding.UTF8.GetString(message);
        Assert.True(text.StartsWith("Message-Id: <", StringComparison.Ordinal), $"a message without the test's Message-Id first: {ByteAssert.Show(message)}");
        return text["Message-Id: <".Length..text.IndexOf('>', StringComparison.Ordinal)];
    }
}
