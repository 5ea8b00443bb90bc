using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Tests.Mail;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

public sealed class ImapServerMoreTests
{
    [Fact]
    public async Task StartTls_handshake_thenLoginOverTls_andInjectedPlaintextIsNeverRun()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { Certificate = ImapServerHarness.Certificate, AuthFailureDelay = TimeSpan.Zero });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, harness.Port));
        await using var plain = new NetworkStream(socket, ownsSocket: false);
        using var plainLines = new LineReader(plain);
        Assert.StartsWith("* OK", (await plainLines.ReadLineAsync()).Text, StringComparison.Ordinal);
        // An attacker's command rides in the same packet as STARTTLS.
        await plain.WriteAsync(Encoding.ASCII.GetBytes($"a1 STARTTLS\r\nx1 LOGIN bob \"{ImapServerHarness.Password}\"\r\n"));
        Assert.Equal("a1 OK Begin TLS negotiation now", (await plainLines.ReadLineAsync()).Text);

        await using var tls = new SslStream(plain, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        using var lines = new LineReader(tls);
        await tls.WriteAsync("a2 CAPABILITY\r\n"u8.ToArray());
        var capability = (await lines.ReadLineAsync()).Text;
        Assert.DoesNotContain("STARTTLS", capability, StringComparison.Ordinal);
        Assert.DoesNotContain("LOGINDISABLED", capability, StringComparison.Ordinal);
        Assert.Equal("a2 OK CAPABILITY completed", (await lines.ReadLineAsync()).Text); // no reply to x1 came first
        await tls.WriteAsync("a3 SELECT INBOX\r\n"u8.ToArray());
        Assert.StartsWith("a3 BAD", (await lines.ReadLineAsync()).Text, StringComparison.Ordinal); // x1 did not log in
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"a4 LOGIN bob \"{ImapServerHarness.Password}\"\r\n"));
        Assert.StartsWith("a4 OK", (await lines.ReadLineAsync()).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagsAndMailboxes_persistAcrossRestart()
    {
        var temp = TempMailStore.Create();
        await using (temp)
        {
            await temp.Store.AddUserAsync("bob", ImapServerHarness.Password);
            await temp.Store.DeliverAsync(TempMailStore.Delivery(TempMailStore.Message("keep"), "bob"));
            long uidValidity;
            await using (var first = await StartAsync(temp.Store))
            {
                using var client = await first.LoginAsync();
                uidValidity = (await temp.Store.GetMailboxAsync("bob", MailStore.Inbox))!.UidValidity;
                await client.CommandAsync("a1 SELECT INBOX");
                await client.CommandAsync("a2 STORE 1 +FLAGS (\\Flagged $Important)");
                await client.CommandAsync("a3 CREATE Later");
                await client.CommandAsync("a4 LOGOUT");
            }

            var store = await temp.ReopenAsync();
            await using var second = await StartAsync(store);
            using var again = await second.LoginAsync();
            var select = await again.CommandAsync("b1 SELECT INBOX");
            Assert.Contains($"* OK [UIDVALIDITY {uidValidity}] UIDs valid", select);
            Assert.Contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)", select);
            Assert.Contains("* 1 RECENT", select); // \Recent lives in the process: after a restart the first session is told again
            Assert.Equal("* 1 FETCH (FLAGS (\\Flagged $Important \\Recent))", (await again.CommandAsync("b2 FETCH 1 FLAGS"))[0]);
            Assert.Contains("* LIST (\\HasNoChildren) \"/\" Later", await again.CommandAsync("b3 LIST \"\" Later"));
        }
    }

    [Fact]
    public async Task EncapsulatedMessage_sectionsAndStructure()
    {
        var raw = Encoding.ASCII.GetBytes(
            "Subject: outer\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
            "--o\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: x@example.org\r\n\r\ninner body\r\n--o--\r\n");
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync(raw);
        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 EXAMINE INBOX");
        var reply = await client.CommandAsync("a2 FETCH 1 (BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[2.1] BODY.PEEK[3] BODY.PEEK[TEXT]<0.3>)");
        Assert.Equal("* 1 FETCH (BODY[2.HEADER] {39}", reply[0]);
        Assert.Equal("Subject: inner", reply[1]);
        Assert.Equal("From: x@example.org", reply[2]);
        Assert.Equal(" BODY[2.TEXT] {10}", reply[4]);
        Assert.Equal("inner body BODY[2.1] {10}", reply[5]);
        Assert.Equal("inner body BODY[3] \"\" BODY[TEXT]<0> {3}", reply[6]);
        Assert.Equal("--o)", reply[7]);
        var structure = await client.CommandAsync("a3 FETCH 1 BODY");
        Assert.Equal(
            "* 1 FETCH (BODY ((\"text\" \"plain\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 12 1)(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 49 " +
            "(NIL \"inner\" ((NIL NIL \"x\" \"example.org\")) ((NIL NIL \"x\" \"example.org\")) ((NIL NIL \"x\" \"example.org\")) NIL NIL NIL NIL NIL) " +
            "(\"text\" \"plain\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1) 4) \"mixed\"))",
            structure[0]);
    }

    [Fact]
    public async Task Idle_sendsKeepAlive_whenNothingHappens()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { AllowPlaintextAuth = true, IdleKeepAlive = TimeSpan.FromMilliseconds(50) });
        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        await client.Raw.SendAsync("a2 IDLE\r\n");
        Assert.Equal("+ idling", await client.ReadLineAsync());
        Assert.Equal("* OK still here", await client.ReadLineAsync());
        await client.Raw.SendAsync("DONE\r\n");
        var rest = await client.ReadUntilTaggedAsync("a2");
        Assert.Equal("a2 OK IDLE terminated", rest[^1]);
    }

    [Fact]
    public async Task ConnectionsPerUser_limited()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { AllowPlaintextAuth = true, MaxConnectionsPerUser = 1 });
        using var first = await harness.LoginAsync();
        using var second = await harness.ConnectAsync();
        Assert.StartsWith("a1 NO [LIMIT]", (await second.CommandAsync($"a1 LOGIN bob \"{ImapServerHarness.Password}\""))[^1], StringComparison.Ordinal);
        await first.CommandAsync("z LOGOUT");
        Assert.StartsWith("a2 OK", (await second.CommandAsync($"a2 LOGIN bob \"{ImapServerHarness.Password}\""))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_hidesPasswordsAndSaslResponses()
    {
        var log = new StringWriter();
        var trace = new WireTrace(TextWriter.Synchronized(log), TraceRole.Server);
        await using (var harness = await ImapServerHarness.StartAsync(transport: new StreamServerOptions { Trace = trace }))
        {
            using var client = await harness.LoginAsync();
            using var second = await harness.ConnectAsync();
            await second.Raw.SendAsync("b1 AUTHENTICATE PLAIN\r\n");
            await second.ReadLineAsync();
            await second.Raw.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0bob\0{ImapServerHarness.Password}")) + "\r\n");
            await second.ReadUntilTaggedAsync("b1");
            await client.CommandAsync("a1 LOGOUT");
        }

        var text = log.ToString();
        Assert.Contains("C: L1 LOGIN bob ********", text, StringComparison.Ordinal);
        Assert.Contains("C: ********", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0bob\0{ImapServerHarness.Password}")), text, StringComparison.Ordinal);
        Assert.Contains("S: a1 OK LOGOUT completed", text, StringComparison.Ordinal);
    }

    private static async Task<ImapServerHarness> StartAsync(MailStore store) => await ImapServerHarness.StartOverAsync(store);
}
