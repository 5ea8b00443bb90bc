using System.Text;
using NetKit.Nntp.Client;
using NetKit.Nntp.Server;
using NetKit.Tests.Nntp;
using NetKit.Tests.Support;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>Our news server (STARTTLS, AUTHINFO, small article limit) with two articles in local.test, under hostile clients.</summary>
public sealed class NntpHostileServer : IHostileServer, IAsyncLifetime
{
    private readonly List<string> _posted = [];
    private NntpServerHarness _server = null!;

    public string Probe => "DATE\r\n";

    public string ProbeReply => "111 *";

    public async Task InitializeAsync()
    {
        _server = await NntpServerHarness.StartAsync(new NntpServerOptions
        {
            Certificate = NntpServerHarness.Certificate,
            AllowPlaintextAuth = true,
            MaxArticleSize = 64 * 1024,
            CommandTimeout = TimeSpan.FromSeconds(2),
        });
        await using var client = await _server.ConnectClientAsync();
        for (var i = 1; i <= 2; i++)
        {
            var id = $"<kept{i}.{Guid.NewGuid():N}@hostile.example>";
            await client.PostAsync(Encoding.ASCII.GetBytes(NntpServerHarness.Article("local.test", $"kept {i}", messageId: id)));
            _posted.Add(id);
        }
    }

    public async Task<RawLineClient> ConnectAsync() => await _server.ConnectRawAsync();

    /// <summary>Our client reads local.test: every article posted before is there, whole.</summary>
    public async Task NormalClientAsync()
    {
        await using var client = await _server.ConnectClientAsync(new NntpClientOptions { AcceptAnyCertificate = true, CommandTimeout = TimeSpan.FromSeconds(10) });
        var group = await client.GroupAsync("local.test");
        Assert.True(group.Count >= _posted.Count, $"local.test has {group.Count} articles");
        foreach (var id in _posted)
        {
            Assert.Equal(id, (await client.ArticleAsync(id)).MessageId);
        }

        await client.QuitAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}

public sealed class NntpHostileTests(NntpHostileServer server)
    : HostileTests<NntpHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<NntpHostileServer>
{
    private static readonly HostileStep Group = Say("GROUP local.test\r\n", "211 *");
    private static readonly HostileStep Post = Say("POST\r\n", "340 send article to be posted; end with <CR-LF>.<CR-LF>");
    private const string NotText = "501 command is not UTF-8 text";
    private const string AuthFailed = "481 authentication failed";

    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("overlong command", Say("GROUP " + new string('g', 3000) + "\r\n", "501 line too long"))
        .Open("overlong line of 200000 bytes then a command", Say(new string('x', 200_000) + "\r\nDATE\r\n", "501 line too long", "111 *"))
        .Open("NUL in a command", Say("GR\0OUP local.test\r\n", NotText))
        .Open("invalid UTF-8 group name", Say("GROUP local.\u00ff\r\n", NotText))
        .Open("overlong UTF-8 encoding of a slash", Say("GROUP \u00c0\u00af\r\n", NotText))
        .Open("bare LF ends a command", Say("GROUP local.test\n", "211 *"))
        .Open("bare CR inside a command", Say("GROUP local\r.test\r\n", "411 no such newsgroup"))
        .Open("empty command", Say("   \r\n", "500 empty command"))
        .Open("ARTICLE without a group", Say("ARTICLE 1\r\n", "412 no newsgroup selected"))
        .Open("NEXT without a group", Say("NEXT\r\n", "412 no newsgroup selected"))
        .Open("LAST at the first article", Group, Say("LAST\r\n", "422 no previous article in this group"))
        .Open("a group name climbing out", Say("GROUP ../../etc\r\n", "411 no such newsgroup"))
        .Open("a message-id that is a path", Say("ARTICLE <../../../etc/passwd>\r\n", "430 no article with that message-id"))
        .Open("a range bound past 64 bits", Group, Say("OVER 99999999999999999999-1\r\n", "501 bad range"))
        .Open("a reversed range", Group, Say("OVER 5-1\r\n", "423 no articles in that range"))
        .Open("POST an article without Newsgroups", Post, Say("From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n.\r\n", "441 the Newsgroups header is missing"))
        .Open("POST an article whose header has no colon", Post, Say("From a@b.example\r\n\r\nbody\r\n.\r\n", "441 the header section is malformed (a line without a colon, or no empty line before the body)"))
        .Open("POST to a group not carried", Post, Say("From: a@b.example\r\nNewsgroups: alt.nowhere\r\nSubject: x\r\n\r\nbody\r\n.\r\n", "441 no such newsgroup: alt.nowhere"))
        .Open("POST over the size limit", Post, Say(NntpServerHarness.Article("local.test", "big", Repeat(1000, new string('b', 98) + "\r\n")) + ".\r\n", "441 article bigger than 65536 bytes"))
        .Open("POST with a NUL in the body", Post, Say(NntpServerHarness.Article("local.test", "nul", "a\0b\r\n") + ".\r\n", "441 the article cannot be stored (Nul)"))
        .Open("POST with a bad Message-ID", Post, Say(NntpServerHarness.Article("local.test", "badid", messageId: "not-an-id") + ".\r\n", "441 the Message-ID header is not a valid message-id"))
        .Open("IHAVE a duplicate", Say("IHAVE <dup.1@hostile.example>\r\n", "335 send article to be transferred; end with <CR-LF>.<CR-LF>"),
            Say("Path: x\r\nFrom: a@b.example\r\nNewsgroups: local.misc\r\nSubject: dup\r\nMessage-ID: <dup.1@hostile.example>\r\nDate: Thu, 26 Nov 2026 12:00:00 +0000\r\n\r\nbody\r\n.\r\n", "235 article transferred ok"),
            Say("IHAVE <dup.1@hostile.example>\r\n", "435 duplicate; article not wanted"))
        .Open("AUTHINFO PASS before USER", Say("AUTHINFO PASS secret-pw\r\n", "482 AUTHINFO USER first"))
        .Open("unknown user and wrong password look alike",
            Say("AUTHINFO USER nobody\r\n", "381 password required"), Say("AUTHINFO PASS secret-pw\r\n", AuthFailed), Say("AUTHINFO USER alice\r\n", "381 password required"), Say("AUTHINFO PASS guess\r\n", AuthFailed))
        .Closed("password guessing is cut off",
            Say("AUTHINFO USER alice\r\nAUTHINFO PASS guess1\r\n", "381 password required", AuthFailed), Say("AUTHINFO USER alice\r\nAUTHINFO PASS guess2\r\n", "381 password required", AuthFailed),
            Say("AUTHINFO USER alice\r\nAUTHINFO PASS guess3\r\n", "381 password required", AuthFailed, "400 too many failed logins; goodbye"))
        .Open("AUTHINFO SASL acting for another user", Say($"AUTHINFO SASL PLAIN {Base64("bob\0alice\0secret-pw")}\r\n", AuthFailed))
        .Open("AUTHINFO SASL not base64", Say("AUTHINFO SASL PLAIN ***\r\n", "504 not base64"))
        .Open("AUTHINFO SASL \"=\" on a continuation line is the empty response", Say("AUTHINFO SASL PLAIN\r\n", "383 ="), Say("=\r\n", AuthFailed))
        .Open("AUTHINFO SASL with another mechanism", Say("AUTHINFO SASL CRAM-MD5\r\n", "503 only SASL PLAIN is offered"))
        .Open("AUTHINFO injected behind STARTTLS is not run",
            Tls("STARTTLS\r\nAUTHINFO USER alice\r\n", "382 continue with TLS negotiation"), Say("AUTHINFO PASS secret-pw\r\n", "482 AUTHINFO USER first"))
        .Open("STARTTLS twice", Tls("STARTTLS\r\n", "382 continue with TLS negotiation"), Say("STARTTLS\r\n", "502 STARTTLS not allowed now (already TLS, or logged in)"))
        .Open("STARTTLS after login", Say("AUTHINFO USER alice\r\nAUTHINFO PASS secret-pw\r\n", "381 password required", "281 authentication accepted"), Say("STARTTLS\r\n", "502 STARTTLS not allowed now (already TLS, or logged in)"))
        .Open("pipelined flood of 2000 DATE", Say(Repeat(2000, "DATE\r\n"), Times(2000, "111 *")))
        .Open("pipelined flood of 500 GROUP and STAT", Say(Repeat(500, "GROUP local.test\r\nSTAT\r\n"), [.. Enumerable.Range(0, 500).SelectMany(_ => new[] { "211 *", "223 *" })]))
        .Closed("a flood of NUL commands ends the session", Say(Repeat(25, "\0\r\n"), [.. Times(20, NotText), "400 too many errors; goodbye"]))
        .Closed("a silent client is dropped", Say("", "400 idle for too long; goodbye"))
        .Open("an HTTP request", Say("GET / HTTP/1.1\r\n", "500 unknown command"));

    protected override Task RunAsync(HostileCase hostile) => HostileRunner.RunAsync(server, hostile);
}
