using System.Text;
using NetKit.Imap;
using NetKit.Imap.Client;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Net;
using NetKit.Tests.Mail;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

/// <summary>Our client against our server (loopback), and the response codec read both ways.</summary>
public sealed class ImapClientTests
{
    private static ImapClientOptions Plain => new() { Security = ImapSecurity.None, AllowPlaintextLogin = true };

    [Fact]
    public void Response_parsesStatusDataAndFetchWithLiterals()
    {
        var ok = ImapResponse.Parse(ImapRawCommand.FromText("A1 OK [APPENDUID 38505 3955] APPEND completed"));
        Assert.Equal((ImapResponseKind.Tagged, "A1", ImapStatus.Ok, "APPENDUID 38505 3955", "APPEND completed"), (ok.Kind, ok.Tag, ok.Status, ok.Code, ok.Text));
        var exists = ImapResponse.Parse(ImapRawCommand.FromText("* 23 EXISTS"));
        Assert.Equal(("EXISTS", 23u), (exists.Name, exists.Number!.Value));
        var list = ImapResponse.Parse(ImapRawCommand.FromText("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\""));
        Assert.Equal("(\\HasNoChildren \\Sent) \"/\" \"Sent Items\"", string.Join(' ', list.Values));
        var fetch = ImapResponse.Parse(new ImapRawCommand(
            [Encoding.ASCII.GetBytes("* 12 FETCH (UID 7 BODY[HEADER.FIELDS (FROM TO)]<0> {5}"), Encoding.ASCII.GetBytes(" FLAGS (\\Seen) ENVELOPE (NIL \"s\" NIL)(\"x\"))")],
            [Encoding.ASCII.GetBytes("ab\r\nc")]));
        var items = fetch.Values[0].Items;
        Assert.Equal("BODY[HEADER.FIELDS (FROM TO)]<0>", items[2].Text);
        Assert.Equal("ab\r\nc", items[3].Text);
        Assert.Equal(ImapValueKind.Nil, items[7].Items[0].Kind);
        var continuation = ImapResponse.Parse(ImapRawCommand.FromText("+ idling"));
        Assert.Equal((ImapResponseKind.Continuation, "idling"), (continuation.Kind, continuation.Text));
        Assert.Throws<ImapParseException>(() => ImapResponse.Parse(ImapRawCommand.FromText("A1 EXISTS")));
        Assert.Throws<ImapParseException>(() => ImapResponse.Parse(ImapRawCommand.FromText("* LIST (unbalanced")));
    }

    [Fact]
    public async Task Client_fullSession_againstOurServer()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        var raw = TempMailStore.Message("client test", "body for the client");
        await harness.DeliverAsync(raw);
        await using var client = new ImapClient(Plain);
        await client.ConnectAsync("127.0.0.1", harness.Port);
        Assert.Contains("IDLE", client.Capabilities);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        Assert.True(client.IsAuthenticated);
        Assert.Contains("MOVE", client.Capabilities);

        var mailboxes = await client.ListAsync();
        Assert.Contains(mailboxes, m => m.Name == "Sent" && m.Attributes.Contains("\\Sent"));
        var inbox = await client.SelectAsync("INBOX");
        Assert.Equal((1, false), (inbox.Exists, inbox.ReadOnly));
        Assert.True(inbox.UidValidity > 0);

        Assert.Equal([1u], await client.SearchAsync("SUBJECT \"client test\""));
        var fetched = Assert.Single(await client.FetchAsync("1:*", "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"));
        Assert.Equal(raw, fetched.Sections["BODY[]"]);
        Assert.Equal((1u, (long)raw.Length), (fetched.Uid!.Value, fetched.Size!.Value));
        Assert.NotNull(fetched.InternalDate);

        await client.StoreFlagsAsync("1", '+', ["\\Flagged"]);
        Assert.Contains("\\Flagged", (await client.FetchAsync("1", "FLAGS"))[0].Flags!);
        var appended = await client.AppendAsync("INBOX", Encoding.ASCII.GetBytes("Subject: by our client\r\n\r\nhi\r\n"), ["\\Seen"]);
        Assert.Equal(2u, appended);
        await client.NoopAsync();
        Assert.Equal(2, client.Selected!.Exists);
        await client.CopyAsync("1", "Archive");
        await client.MoveAsync("2", "Trash");
        Assert.Equal(1, client.Selected!.Exists);
        var error = await Assert.ThrowsAsync<ImapCommandException>(() => client.SelectAsync("Nowhere"));
        Assert.Equal("NONEXISTENT", error.Code);
        Assert.Single(await harness.Store.ListEntriesAsync("bob", "Trash"));
        await client.LogoutAsync();
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Client_idle_hearsDelivery()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await using var client = new ImapClient(Plain);
        await client.ConnectAsync("127.0.0.1", harness.Port);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        await client.SelectAsync("INBOX");
        using var stop = new CancellationTokenSource();
        var events = new List<ImapMailboxEvent>();
        var idling = client.IdleAsync(e =>
        {
            lock (events)
            {
                events.Add(e);
            }

            if (e.Kind == "EXISTS")
            {
                stop.Cancel();
            }
        }, stop.Token);
        // The delivery may come before or during the IDLE: either way the server announces it in it.
        await harness.DeliverAsync(TempMailStore.Message("pushed"));
        await idling.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains(events, e => e.Kind == "EXISTS" && e.Number == 1);
        Assert.Equal(1, client.Selected!.Exists);
    }

    [Fact]
    public async Task Client_startTls_scram_andWrongPassword()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { Certificate = ImapServerHarness.Certificate, AuthFailureDelay = TimeSpan.Zero });
        var trace = new StringWriter();
        await using var client = new ImapClient(new ImapClientOptions { Security = ImapSecurity.StartTls, AcceptAnyCertificate = true, Trace = new WireTrace(trace, TraceRole.Client) });
        await client.ConnectAsync(NetEndpoint.Parse($"127.0.0.1:{harness.Port}"));
        Assert.True(client.IsSecure);
        Assert.Contains("AUTH=SCRAM-SHA-256", client.Capabilities);
        var wrong = await Assert.ThrowsAsync<ImapCommandException>(() => client.LoginAsync("bob", "wrong"));
        Assert.Equal("AUTHENTICATIONFAILED", wrong.Code);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        Assert.Contains(" AUTHENTICATE SCRAM-SHA-256 ********", trace.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ImapServerHarness.Password, trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_refusesPlaintextPassword_unlessAllowed()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await using var client = new ImapClient(new ImapClientOptions { Security = ImapSecurity.None });
        await client.ConnectAsync("127.0.0.1", harness.Port);
        await Assert.ThrowsAsync<ImapProtocolException>(() => client.LoginAsync("bob", ImapServerHarness.Password));
        Assert.Empty(await harness.Store.ListMailboxesAsync("bob")); // nothing was sent: no first login happened
    }
}
