using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using NetKit.Nntp.Server;
using NetKit.Tests.Support;

namespace NetKit.Tests.Nntp;

/// <summary>Our server spoken to byte by byte: states, refusals and hostile input.</summary>
public sealed class NntpServerStateTests
{
    internal static async Task<string> Ask(RawLineClient client, string command)
    {
        await client.SendAsync(command + "\r\n");
        return (await client.ReadLineAsync()).TrimEnd();
    }

    /// <summary>The lines of a multi-line block, up to the lone dot.</summary>
    private static async Task<List<string>> Block(RawLineClient client)
    {
        var lines = new List<string>();
        for (var line = (await client.ReadLineAsync()).TrimEnd('\r', '\n'); line != "."; line = (await client.ReadLineAsync()).TrimEnd('\r', '\n'))
        {
            lines.Add(line);
        }

        return lines;
    }

    internal static async Task<string> PostAsync(RawLineClient client, string article)
    {
        Assert.StartsWith("340 ", await Ask(client, "POST"), StringComparison.Ordinal);
        await client.SendAsync(article + ".\r\n");
        return (await client.ReadLineAsync()).TrimEnd();
    }

    [Fact]
    public async Task ReadingCommands_withoutAGroup_are412_andOnAnEmptyGroup420()
    {
        await using var server = await NntpServerHarness.StartAsync();
        using var client = await server.ConnectRawAsync();
        foreach (var command in new[] { "NEXT", "LAST", "ARTICLE", "ARTICLE 1", "HEAD", "STAT 1", "OVER", "OVER 1-2", "XHDR Subject 1", "LISTGROUP" })
        {
            Assert.StartsWith("412 ", await Ask(client, command), StringComparison.Ordinal);
        }

        Assert.Equal("211 0 1 0 local.test", await Ask(client, "GROUP local.test"));
        foreach (var command in new[] { "NEXT", "LAST", "ARTICLE", "STAT", "OVER" })
        {
            Assert.StartsWith("420 ", await Ask(client, command), StringComparison.Ordinal);
        }

        Assert.StartsWith("423 ", await Ask(client, "ARTICLE 1"), StringComparison.Ordinal);
        Assert.StartsWith("430 ", await Ask(client, "ARTICLE <nobody@nowhere>"), StringComparison.Ordinal);
        Assert.StartsWith("411 ", await Ask(client, "GROUP no.such.group"), StringComparison.Ordinal);
        Assert.StartsWith("205 ", await Ask(client, "QUIT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_getsItsErrorReply_andTheSessionGoesOn()
    {
        await using var server = await NntpServerHarness.StartAsync();
        using var client = await server.ConnectRawAsync();
        Assert.StartsWith("500 ", await Ask(client, "XYZZY"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "GROUP"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "GROUP a b"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "ARTICLE abc"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "ARTICLE <no-at-sign"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "LIST NONSENSE"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "LIST ACTIVE [unclosed"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "NEWNEWS * 20261399 000000"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "NEWGROUPS yesterday"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "MODE WRITER"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, new string('A', 5000)), StringComparison.Ordinal);
        await client.SendAsync([0xff, 0xfe, (byte)'\r', (byte)'\n']);
        Assert.StartsWith("501 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("211 ", await Ask(client, "GROUP local.test"), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "OVER 1-99999999999999999"), StringComparison.Ordinal); // 17 digits: no article number
        Assert.StartsWith("501 ", await Ask(client, "LISTGROUP local.test x-y"), StringComparison.Ordinal);
        Assert.StartsWith("111 ", await Ask(client, "DATE"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_withoutRequiredHeaders_orToAMissingGroup_orTwice_is441_andNothingIsStored()
    {
        await using var server = await NntpServerHarness.StartAsync();
        using var client = await server.ConnectRawAsync();
        Assert.StartsWith("441 ", await PostAsync(client, "From: a@b\r\nNewsgroups: local.test\r\n\r\nno subject\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, "From: a@b\r\nSubject: s\r\n\r\nno groups\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, "Subject: s\r\nNewsgroups: local.test\r\n\r\nno from\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, "no header at all\r\n\r\nbody\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, NntpServerHarness.Article("local.test,no.such.group", "s")), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, NntpServerHarness.Article("local.test", "s", messageId: "<bad id>")), StringComparison.Ordinal);
        Assert.Equal(0, (await server.Store.FindGroupAsync("local.test"))!.Count);

        Assert.StartsWith("240 ", await PostAsync(client, NntpServerHarness.Article("local.test", "once", messageId: "<once@test>")), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, NntpServerHarness.Article("local.test", "twice", messageId: "<once@test>")), StringComparison.Ordinal);
        Assert.Equal(1, (await server.Store.FindGroupAsync("local.test"))!.Count);
    }

    [Fact]
    public async Task Post_toAModeratedGroup_needsAnApprovedHeader_andCrossPostsAreAllOrNothing()
    {
        await using var server = await NntpServerHarness.StartAsync();
        await server.Store.AddGroupAsync("local.mod", moderated: true);
        using var client = await server.ConnectRawAsync();
        var refused = await PostAsync(client, NntpServerHarness.Article("local.test,local.mod", "unapproved", messageId: "<unapproved@test>"));
        Assert.StartsWith("441 local.mod is moderated", refused, StringComparison.Ordinal);
        Assert.Equal(0, (await server.Store.FindGroupAsync("local.test"))!.Count); // not even in the open group
        Assert.False(await server.Store.HasArticleAsync("<unapproved@test>"));

        var approved = "Approved: moderator@example.com\r\n" + NntpServerHarness.Article("local.test,local.mod", "approved", messageId: "<approved@test>");
        Assert.StartsWith("240 ", await PostAsync(client, approved), StringComparison.Ordinal);
        Assert.Equal(1, (await server.Store.FindGroupAsync("local.mod"))!.Count);
    }

    [Fact]
    public async Task Post_tooBig_or_withBareLineFeeds_isReadToItsEnd_andRefused()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { MaxArticleSize = 200 });
        using var client = await server.ConnectRawAsync();
        Assert.StartsWith("441 ", await PostAsync(client, NntpServerHarness.Article("local.test", "big", new string('x', 80) + "\r\n" + new string('y', 200) + "\r\n")), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, "From: a@b\nSubject: s\nNewsgroups: local.test\n\nbare\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("211 ", await Ask(client, "GROUP local.test"), StringComparison.Ordinal); // still in step
    }

    [Fact]
    public async Task Post_bodyLineThatIsOnlyADot_comesBackStuffed_andIsStoredByteExact()
    {
        await using var server = await NntpServerHarness.StartAsync();
        using var client = await server.ConnectRawAsync();
        var article = NntpServerHarness.Article("local.test", "dots", "before\r\n.\r\n..two\r\nafter\r\n", "<dots@test>");
        await client.SendAsync("POST\r\n");
        Assert.StartsWith("340 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.SendAsync(article.Replace("\r\n.", "\r\n..", StringComparison.Ordinal) + ".\r\n");
        Assert.StartsWith("240 ", await client.ReadLineAsync(), StringComparison.Ordinal);

        var stored = await server.Store.FindArticleAsync("<dots@test>");
        Assert.NotNull(stored);
        Assert.EndsWith(article, Encoding.UTF8.GetString(stored.Raw), StringComparison.Ordinal); // Date and Path go in front

        Assert.StartsWith("222 0 <dots@test>", await Ask(client, "BODY <dots@test>"), StringComparison.Ordinal);
        Assert.Equal(["before", "..", "...two", "after"], await Block(client)); // as the wire carries them: dots doubled
    }

    [Fact]
    public async Task IHave_known_is435_mismatched_is437_good_is235()
    {
        await using var server = await NntpServerHarness.StartAsync();
        using var client = await server.ConnectRawAsync();
        var article = "Path: peer!x\r\nDate: Thu, 26 Nov 2026 12:00:00 +0000\r\n" + NntpServerHarness.Article("local.test", "fed", messageId: "<fed@peer>");
        Assert.StartsWith("335 ", await Ask(client, "IHAVE <fed@peer>"), StringComparison.Ordinal);
        await client.SendAsync(article + ".\r\n");
        Assert.StartsWith("235 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("435 ", await Ask(client, "IHAVE <fed@peer>"), StringComparison.Ordinal);

        Assert.StartsWith("335 ", await Ask(client, "IHAVE <other@peer>"), StringComparison.Ordinal);
        await client.SendAsync(article + ".\r\n"); // its Message-ID is <fed@peer>
        Assert.StartsWith("437 ", await client.ReadLineAsync(), StringComparison.Ordinal);

        Assert.StartsWith("335 ", await Ask(client, "IHAVE <third@peer>"), StringComparison.Ordinal);
        await client.SendAsync(NntpServerHarness.Article("local.test", "no path", messageId: "<third@peer>") + ".\r\n");
        Assert.StartsWith("437 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("501 ", await Ask(client, "IHAVE"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ranges_reversedOrEnormous_areEmptyOrBounded_andNumbersNeverRepeat()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { MaxRangeResults = 2 });
        using var client = await server.ConnectRawAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("240 ", await PostAsync(client, NntpServerHarness.Article("local.test", $"n{i}")), StringComparison.Ordinal);
        }

        Assert.Equal("211 3 1 3 local.test", await Ask(client, "GROUP local.test"));
        Assert.StartsWith("423 ", await Ask(client, "OVER 3-1"), StringComparison.Ordinal);
        Assert.StartsWith("224 ", await Ask(client, "OVER 1-9999999999999999"), StringComparison.Ordinal);
        Assert.Equal(2, (await Block(client)).Count); // capped at MaxRangeResults
        Assert.StartsWith("211 ", await Ask(client, "LISTGROUP local.test 3-1"), StringComparison.Ordinal);
        Assert.Empty(await Block(client));
        Assert.StartsWith("423 ", await Ask(client, "OVER 9000-"), StringComparison.Ordinal);
        Assert.StartsWith("223 2 ", await Ask(client, "NEXT"), StringComparison.Ordinal);
        Assert.StartsWith("223 1 ", await Ask(client, "LAST"), StringComparison.Ordinal);
        Assert.StartsWith("422 ", await Ask(client, "LAST"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostingDisabled_greets201_andPostIs440_IHaveIs435()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { PostingAllowed = false });
        using var client = await RawLineClient.ConnectAsync(server.Port);
        Assert.StartsWith("201 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("440 ", await Ask(client, "POST"), StringComparison.Ordinal);
        Assert.StartsWith("435 ", await Ask(client, "IHAVE <x@y>"), StringComparison.Ordinal);
        Assert.StartsWith("201 ", await Ask(client, "MODE READER"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authinfo_inPlaintext_is483_unlessAllowed_thenWrongIs481_rightIs281()
    {
        await using (var strict = await NntpServerHarness.StartAsync())
        {
            using var client = await strict.ConnectRawAsync();
            Assert.StartsWith("483 ", await Ask(client, "AUTHINFO USER alice"), StringComparison.Ordinal);
        }

        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { AllowPlaintextAuth = true, RequireAuthentication = true });
        using var raw = await RawLineClient.ConnectAsync(server.Port);
        Assert.StartsWith("201 ", await raw.ReadLineAsync(), StringComparison.Ordinal); // no posting before a login
        Assert.StartsWith("480 ", await Ask(raw, "GROUP local.test"), StringComparison.Ordinal);
        Assert.StartsWith("482 ", await Ask(raw, "AUTHINFO PASS secret-pw"), StringComparison.Ordinal);
        Assert.StartsWith("381 ", await Ask(raw, "AUTHINFO USER alice"), StringComparison.Ordinal);
        Assert.StartsWith("481 ", await Ask(raw, "AUTHINFO PASS wrong"), StringComparison.Ordinal);
        Assert.StartsWith("381 ", await Ask(raw, "AUTHINFO USER alice"), StringComparison.Ordinal);
        Assert.StartsWith("281 ", await Ask(raw, "AUTHINFO PASS secret-pw"), StringComparison.Ordinal);
        Assert.StartsWith("211 ", await Ask(raw, "GROUP local.test"), StringComparison.Ordinal);
        Assert.StartsWith("502 ", await Ask(raw, "AUTHINFO USER alice"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthinfoSaslPlain_withInitialResponse_is283()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { AllowPlaintextAuth = true });
        using var client = await server.ConnectRawAsync();
        var plain = Convert.ToBase64String("\0alice\0secret-pw"u8);
        Assert.StartsWith("283 ", await Ask(client, "AUTHINFO SASL PLAIN " + plain), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_discardsPlaintextSentBeforeTheHandshake()
    {
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { Certificate = NntpServerHarness.Certificate });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        await using var network = new NetworkStream(socket);
        using var plain = new StreamReader(network, Encoding.ASCII, false, 1, leaveOpen: true);
        Assert.StartsWith("200 ", await plain.ReadLineAsync(), StringComparison.Ordinal);
        // STARTTLS with an injected command right behind it, in the same packet.
        await network.WriteAsync("STARTTLS\r\nGROUP local.test\r\n"u8.ToArray());
        Assert.StartsWith("382 ", await plain.ReadLineAsync(), StringComparison.Ordinal);
        await using var tls = new SslStream(network, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        using var reader = new StreamReader(tls, Encoding.ASCII);
        await tls.WriteAsync("DATE\r\n"u8.ToArray());
        await tls.FlushAsync();
        Assert.StartsWith("111 ", await reader.ReadLineAsync(), StringComparison.Ordinal); // not a 211 for the injected GROUP
        await tls.WriteAsync("STARTTLS\r\n"u8.ToArray());
        Assert.StartsWith("502 ", await reader.ReadLineAsync(), StringComparison.Ordinal);
    }
}
