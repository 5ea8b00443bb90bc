using System.Text;
using MimeKit;
using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Nntp.Server;
using NetKit.Transport;

namespace NetKit.Tests.Nntp;

/// <summary>Our client against our server on loopback.</summary>
public sealed class NntpClientServerTests
{
    [Fact]
    public async Task Over_ofMorePagesThanOne_answersEveryLineOnce_inOrder_andStopsAtMaxRangeResults()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { MaxRangeResults = 4500 });
        // More articles than the server reads per page (2,000) and than it answers per OVER.
        await Task.WhenAll(Enumerable.Range(1, 5000).Select(i => server.Store.StoreAsync(
            Encoding.UTF8.GetBytes(NntpServerHarness.Article("local.test", $"tab\there {i}", messageId: $"<many-{i}@test>")), ["local.test"])));
        await using var client = await server.ConnectClientAsync();
        await client.GroupAsync("local.test");

        var over = await client.OverAsync(new NntpRange(1, null));
        Assert.Equal(Enumerable.Range(1, 4500).Select(n => (long)n), over.Select(o => o.Number));
        Assert.All(over, o => Assert.StartsWith("tab here ", o.Subject, StringComparison.Ordinal));
        Assert.Equal(1000, (await client.OverAsync(new NntpRange(4001, 6000))).Count);
        Assert.Equal(423, (await Assert.ThrowsAsync<NntpCommandException>(() => client.OverAsync(new NntpRange(5001, 6000)))).Code);
    }

    [Fact]
    public async Task PostGroupOverArticle_roundTrip_keepsTheArticleByteExact()
    {
        await using var server = await NntpServerHarness.StartAsync();
        await using var client = await server.ConnectClientAsync();
        Assert.True(client.PostingAllowed);
        Assert.Contains("READER", await client.GetCapabilitiesAsync());

        var first = Encoding.UTF8.GetBytes(NntpServerHarness.Article("local.test,local.misc", "Привет", "line one\r\n.dot line\r\n", "<one@test>"));
        Assert.Equal(240, (await client.PostAsync(first)).Code);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("B", "b@example.com"));
        message.Subject = "second";
        message.Headers.Add("Newsgroups", "local.test");
        message.MessageId = "two@test";
        message.References.Add("<one@test>");
        message.Body = new TextPart("plain") { Text = "reply\r\n" };
        Assert.Equal(240, (await client.PostAsync(message)).Code);

        var group = await client.GroupAsync("local.test");
        Assert.Equal(new NntpGroupInfo("local.test", 2, 1, 2), group);
        Assert.Equal([1L, 2L], await client.ListGroupAsync("local.test"));
        var over = await client.OverAsync(new NntpRange(1, null));
        Assert.Equal(["Привет", "second"], over.Select(o => o.Subject));
        Assert.Equal("<one@test>", over[1].References);
        Assert.Equal(2, over[0].Lines);

        var article = await client.ArticleAsync(1);
        Assert.Equal("<one@test>", article.MessageId);
        Assert.EndsWith(Encoding.UTF8.GetString(first), Encoding.UTF8.GetString(article.Raw), StringComparison.Ordinal);
        Assert.Equal("Привет", article.Message.Subject);
        var byId = await client.ArticleAsync("<one@test>");
        Assert.Equal(0, byId.Number);
        Assert.Equal(article.Raw, byId.Raw);
        var head = await client.HeadAsync("1");
        Assert.DoesNotContain("line one", Encoding.UTF8.GetString(head.Raw), StringComparison.Ordinal);
        Assert.Equal("line one\r\n.dot line\r\n", Encoding.UTF8.GetString((await client.BodyAsync("<one@test>")).Raw));
        Assert.Equal(new NntpArticlePointer(2, "<two@test>"), await client.NextAsync());
        Assert.Equal(new NntpArticlePointer(1, "<one@test>"), await client.LastAsync());
        Assert.Equal(new NntpArticlePointer(2, "<two@test>"), await client.StatAsync("2"));

        Assert.Equal([(1L, "Привет"), (2L, "second")], await client.HdrAsync("Subject", "1-"));
        Assert.Equal([(1L, ""), (2L, "<one@test>")], await client.HdrAsync("References", "1-2"));
        Assert.Equal([(1L, "local.test,local.misc")], await client.HdrAsync("Newsgroups", "1"));
        Assert.Equal([(0L, article.Raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))], await client.HdrAsync(":bytes", "<one@test>"));
        var misc = await client.GroupAsync("local.misc");
        Assert.Equal(1, misc.Count);
        await client.QuitAsync();
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Refusals_areCommandExceptions_andTheConnectionStaysUsable()
    {
        await using var server = await NntpServerHarness.StartAsync();
        await using var client = await server.ConnectClientAsync();
        var missing = await Assert.ThrowsAsync<NntpCommandException>(() => client.GroupAsync("no.such.group"));
        Assert.Equal(411, missing.Code);
        var noGroup = await Assert.ThrowsAsync<NntpCommandException>(() => client.PostAsync(Encoding.UTF8.GetBytes(NntpServerHarness.Article("no.such.group", "x"))));
        Assert.Equal(441, noGroup.Code);
        Assert.Equal(430, (await Assert.ThrowsAsync<NntpCommandException>(() => client.ArticleAsync("<none@here>"))).Code);
        var article = Encoding.UTF8.GetBytes("Path: p!x\r\nDate: Thu, 26 Nov 2026 12:00:00 +0000\r\n" + NntpServerHarness.Article("local.test", "fed", messageId: "<fed@p>"));
        Assert.Equal(235, (await client.IHaveAsync("<fed@p>", article)).Code);
        Assert.Equal(435, (await Assert.ThrowsAsync<NntpCommandException>(() => client.IHaveAsync("<fed@p>", article))).Code);
        Assert.True(client.IsConnected);
        Assert.Equal(1, (await client.GroupAsync("local.test")).Count);
    }

    [Fact]
    public async Task ListsNewNewsNewGroupsAndDate_answerWhatTheStoreHolds()
    {
        await using var server = await NntpServerHarness.StartAsync();
        await using var client = await server.ConnectClientAsync();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        await client.PostAsync(Encoding.UTF8.GetBytes(NntpServerHarness.Article("local.test", "new", messageId: "<new@test>")));
        Assert.Equal(["<new@test>"], await client.NewNewsAsync("local.*", before));
        Assert.Empty(await client.NewNewsAsync("local.*,!local.test", before));
        Assert.Empty(await client.NewNewsAsync("*", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.Equal(["local.misc", "local.test"], (await client.NewGroupsAsync(before)).Select(g => g.Name).Order());
        Assert.Equal(["local.test"], (await client.ListActiveAsync("*.test")).Select(g => g.Name));
        Assert.Equal("Tests of NetKit's news server", (await client.DescriptionsAsync())["local.test"]);
        Assert.Equal(NntpOverview.Format, await client.ListAsync("OVERVIEW.FMT"));
        Assert.InRange(await client.DateAsync(), before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.NotEmpty(await client.HelpAsync());
    }

    [Fact]
    public async Task StartTlsThenLogin_works_andTheTraceHidesThePassword()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { Certificate = NntpServerHarness.Certificate, RequireAuthentication = true });
        var trace = new StringWriter();
        await using var client = await server.ConnectClientAsync(new NntpClientOptions { AcceptAnyCertificate = true, Trace = new WireTrace(trace, TraceRole.Client) });
        Assert.False(client.PostingAllowed);
        Assert.True(await client.HasCapabilityAsync("STARTTLS"));
        Assert.False(await client.HasCapabilityAsync("AUTHINFO")); // not in plaintext
        await client.StartTlsAsync();
        Assert.True(client.IsSecure);
        Assert.True(await client.HasCapabilityAsync("AUTHINFO"));
        var wrong = await Assert.ThrowsAsync<NntpCommandException>(() => client.LoginAsync("alice", "nope"));
        Assert.Equal(481, wrong.Code);
        await client.LoginAsync("alice", "secret-pw");
        Assert.Equal(200, (await client.ModeReaderAsync()).Code);
        Assert.Equal(0, (await client.GroupAsync("local.test")).Count);
        Assert.DoesNotContain("secret-pw", trace.ToString(), StringComparison.Ordinal);
        Assert.Contains("AUTHINFO PASS ********", trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_afterReopen_keepsArticles_andNeverReusesANumber()
    {
        var directory = Path.Combine(Path.GetTempPath(), "netkit-news-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var store = NewsStore.Open(directory))
            {
                Assert.True(await store.AddGroupAsync("a.b"));
                Assert.False(await store.AddGroupAsync("A.B"));
                var raw = Encoding.UTF8.GetBytes(NntpServerHarness.Article("a.b", "x", messageId: "<1@x>"));
                Assert.Equal(NewsPostOutcome.Stored, (await store.StoreAsync(raw, ["a.b"])).Outcome);
                Assert.Equal(NewsPostOutcome.DuplicateMessageId, (await store.StoreAsync(raw, ["a.b"])).Outcome);
            }

            await using var reopened = NewsStore.Open(directory);
            var second = Encoding.UTF8.GetBytes(NntpServerHarness.Article("a.b", "y", messageId: "<2@x>"));
            var result = await reopened.StoreAsync(second, ["a.b"]);
            Assert.Equal([("a.b", 2L)], result.Placed);
            Assert.Equal(NewsPostOutcome.NoSuchGroup, (await reopened.StoreAsync(Encoding.UTF8.GetBytes(NntpServerHarness.Article("c.d", "z", messageId: "<3@x>")), ["c.d"])).Outcome);
            Assert.Equal(new NntpRange(1, 2), new NntpRange((await reopened.FindGroupAsync("a.b"))!.Low, (await reopened.FindGroupAsync("a.b"))!.High));
            Assert.Throws<NewsStoreException>(() => { _ = reopened.AddGroupAsync("bad name"); });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
