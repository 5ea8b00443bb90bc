using System.Text;
using NetKit.Imap;
using NetKit.Imap.Client;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

/// <summary>Our IMAP client against Debian's Dovecot imapd, started on a loopback port with a temporary configuration.</summary>
public sealed class ImapClientDovecotTests : IAsyncLifetime
{
    private static readonly byte[][] Messages =
    [
        "From: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n"u8.ToArray(),
        Encoding.UTF8.GetBytes("From: b@example.org\r\nSubject: two\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nünïcödé\r\n" + new string('x', 5000) + "\r\n"),
    ];

    private DovecotPeer? dovecot;

    private int Port => dovecot!.Port;

    private string Temp => dovecot!.Temp;

    public async Task InitializeAsync() => dovecot = await DovecotPeer.StartAsync("imap", Messages);

    public async Task DisposeAsync()
    {
        if (dovecot is not null)
        {
            await dovecot.DisposeAsync();
        }
    }

    [Fact]
    public async Task Client_session_againstDovecot()
    {
        var trace = new StringWriter();
        await using var client = new ImapClient(new ImapClientOptions { Security = ImapSecurity.None, AllowPlaintextLogin = true, Trace = new WireTrace(trace, TraceRole.Client) });
        await client.ConnectAsync("127.0.0.1", Port);
        Assert.Contains("IMAP4rev1", client.Capabilities);
        await client.LoginAsync("bob", "pw");
        Assert.DoesNotContain("AGJvYgBwdw", trace.ToString(), StringComparison.Ordinal); // base64 of "\0bob\0pw"

        var inbox = await client.SelectAsync("INBOX");
        Assert.Equal(2, inbox.Exists);
        Assert.True(inbox.UidValidity > 0);
        var fetched = await client.FetchAsync("1:*", "(UID FLAGS RFC822.SIZE BODY.PEEK[])");
        Assert.Equal(2, fetched.Count);
        for (var i = 0; i < Messages.Length; i++)
        {
            Assert.Equal(Messages[i], fetched[i].Sections["BODY[]"]);
            Assert.Equal(Messages[i].Length, fetched[i].Size);
        }

        Assert.Equal([fetched[1].Uid!.Value], await client.SearchAsync("SUBJECT two"));
        var summary = (await client.FetchAsync("1:*", "(UID ENVELOPE BODYSTRUCTURE)"))[1];
        Assert.Equal("two", summary.Envelope!.Subject);
        Assert.Equal("b@example.org", ((MimeKit.MailboxAddress)summary.Envelope.From[0]).Address);
        Assert.Equal(("text", "plain", "utf-8"), (summary.BodyStructure!.MediaType.ToLowerInvariant(), summary.BodyStructure.MediaSubtype.ToLowerInvariant(), summary.BodyStructure.Parameters["charset"].ToLowerInvariant()));
        Assert.Equal("1", summary.BodyStructure.PartSpecifier);
        Assert.Equal("two", (await client.GetMessageAsync(fetched[1].Uid!.Value))!.Subject);
        await client.StoreFlagsAsync(fetched[0].Uid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), '+', ["\\Flagged"]);
        Assert.Equal([fetched[0].Uid!.Value], await client.SearchAsync("FLAGGED"));

        await client.CreateMailboxAsync("Keep");
        var appended = await client.AppendAsync("Keep", Encoding.ASCII.GetBytes("Subject: kept\r\n\r\nhi\r\n"), ["\\Seen"]);
        Assert.NotNull(appended);
        await client.MoveAsync("1", "Keep");
        await client.NoopAsync();
        Assert.Equal(1, client.Selected!.Exists);
        Assert.Contains(await client.ListAsync(), m => m.Name == "Keep");
        var missing = await Assert.ThrowsAsync<ImapCommandException>(() => client.SelectAsync("Nowhere"));
        Assert.Equal(ImapStatus.No, missing.Status);
        await client.LogoutAsync();
    }

    [Fact]
    public async Task Cli_listSearchFetch_againstDovecot()
    {
        string[] login = ["--server", $"127.0.0.1:{Port}", "--user", "bob", "--password", "pw"];
        var list = await NetkitCli.RunAsync(["imap", "list", .. login]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("INBOX", list.Stdout, StringComparison.Ordinal);
        var search = await NetkitCli.RunAsync(["imap", "search", "SUBJECT", "one", .. login]);
        var uid = search.Stdout.Trim();
        Assert.Matches("^[0-9]+$", uid);
        var directory = Path.Combine(Temp, "saved");
        var fetch = await NetkitCli.RunAsync(["imap", "fetch", "1:*", "--output", directory, .. login]);
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Equal(Messages[0], await File.ReadAllBytesAsync(Path.Combine(directory, uid + ".eml")));
    }
}
