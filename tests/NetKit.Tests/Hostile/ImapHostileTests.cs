using System.Text;
using NetKit.Imap;
using NetKit.Imap.Client;
using NetKit.Imap.Server;
using NetKit.Tests.Imap;
using NetKit.Tests.Support;
using NetKit.Transport;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>Our IMAP server (STARTTLS, small literal limit) where bob has two messages, under hostile clients.</summary>
public sealed class ImapHostileServer : IHostileServer, IAsyncLifetime
{
    public const int Messages = 2;
    private ImapServerHarness _server = null!;

    public string Probe => "p NOOP\r\n";

    public string ProbeReply => "p OK NOOP completed";

    public async Task InitializeAsync()
    {
        _server = await ImapServerHarness.StartAsync(
            new ImapServerOptions
            {
                AllowPlaintextAuth = true,
                AuthFailureDelay = TimeSpan.Zero,
                Certificate = ImapServerHarness.Certificate,
                Limits = new ImapLimits { MaxLiteralSize = 64 * 1024, MaxLineLength = 8 * 1024, MaxDiscardedLiteralSize = 1024 * 1024 },
            },
            new StreamServerOptions { IdleTimeout = TimeSpan.FromSeconds(2) });
        for (var i = 1; i <= Messages; i++)
        {
            await _server.DeliverAsync(Encoding.ASCII.GetBytes($"Subject: kept {i}\r\n\r\nMessage {i}.\r\n"));
        }
    }

    public async Task<RawLineClient> ConnectAsync() => (await _server.ConnectAsync()).Raw;

    /// <summary>Our client logs in, lists and reads INBOX: bob's messages are all there.</summary>
    public async Task NormalClientAsync()
    {
        await using var client = new ImapClient(new ImapClientOptions { AcceptAnyCertificate = true, AllowPlaintextLogin = true, CommandTimeout = TimeSpan.FromSeconds(10) });
        await client.ConnectAsync("127.0.0.1", _server.Port);
        await client.LoginAsync("bob", ImapServerHarness.Password);
        Assert.Contains(await client.ListAsync(), mailbox => mailbox.Name == "INBOX");
        var inbox = await client.SelectAsync("INBOX");
        Assert.True(inbox.Exists >= Messages, $"INBOX has {inbox.Exists} messages");
        for (var i = 1; i <= Messages; i++)
        {
            Assert.Single(await client.SearchAsync($"SUBJECT \"kept {i}\""));
        }
        await client.LogoutAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}

public sealed class ImapHostileTests(ImapHostileServer server)
    : HostileTests<ImapHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<ImapHostileServer>
{
    private static readonly HostileStep Login = Say($"a LOGIN bob \"{ImapServerHarness.Password}\"\r\n", "a OK*");
    private static readonly HostileStep Select = Say("s SELECT INBOX\r\n", "~s OK [READ-WRITE]*");

    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("overlong command line", Say("a NOOP " + new string('x', 10_000) + "\r\n", "a BAD [TOOBIG] command line longer than 8192 bytes"))
        .Open("overlong synchronizing literal is refused before it is sent", Login, Say("b APPEND INBOX {99999999}\r\n", "b BAD [TOOBIG] literal larger than 65536 bytes"))
        .Open("overlong non-synchronizing literal is read and discarded", Login,
            Say("b APPEND INBOX {70000+}\r\n" + new string('L', 70_000) + "\r\n", "b BAD [TOOBIG] literal larger than 65536 bytes"))
        .Open("literal size that is not a number", Login, Say("b APPEND INBOX {12x}\r\n", "b BAD a literal's announcement must end its line"))
        .Open("literal size past 64 bits", Login, Say("b APPEND INBOX {999999999999999999999999}\r\n", "b BAD a literal's announcement must end its line"))
        .Open("APPEND to a mailbox that does not exist", Login, Say("b APPEND Nowhere {10}\r\n", "+ Ready for literal data"), Say("0123456789\r\n", "b NO [TRYCREATE] no such mailbox; create it first"))
        .Open("NUL in a command", Say("a NO\0OP\r\n", "a BAD unknown command NO"))
        .Open("NUL in a quoted password", Say("a LOGIN bob \"s3cret\0pass\"\r\n", "a BAD a quoted string cannot hold NUL"))
        .Open("invalid UTF-8 in a mailbox name", Login, Say("b SELECT \"\u00ff\u00fe\"\r\n", "b BAD mailbox name \"\uFFFD\uFFFD\" is not valid modified UTF-7"))
        .Open("invalid modified UTF-7 mailbox name", Login, Say("b CREATE \"&Jjo\"\r\n", "b BAD mailbox name \"&Jjo\" is not valid modified UTF-7"))
        .Open("bare LF ends a command", Say("a NOOP\n", "a OK NOOP completed"))
        .Open("bare CR inside a command", Say("a NO\rOP\r\n", "a BAD unknown command NO"))
        .Open("empty line", Say("\r\n", "* BAD empty command line"))
        .Open("tag with a forbidden character", Say("a{1 NOOP\r\n", "a BAD expected a space"))
        .Open("unknown command", Say("a XYZZY\r\n", "a BAD unknown command XYZZY"))
        .Open("SELECT before login", Say("a SELECT INBOX\r\n", "a BAD SELECT is not allowed before login"))
        .Open("FETCH without a selected mailbox", Login, Say("b FETCH 1 FLAGS\r\n", "b BAD FETCH is not allowed without a selected mailbox"))
        .Open("LOGIN twice", Login, Say($"b LOGIN bob \"{ImapServerHarness.Password}\"\r\n", "b BAD LOGIN is not allowed after login"))
        .Open("STARTTLS after login", Login, Say("b STARTTLS\r\n", "b BAD STARTTLS is not allowed after login"))
        .Open("LOGIN injected behind STARTTLS is not run",
            Tls($"a STARTTLS\r\nb LOGIN bob \"{ImapServerHarness.Password}\"\r\n", "a OK Begin TLS negotiation now"), Say("c SELECT INBOX\r\n", "c BAD SELECT is not allowed before login"))
        .Open("STARTTLS twice", Tls("a STARTTLS\r\n", "a OK Begin TLS negotiation now"), Say("b STARTTLS\r\n", "b BAD TLS is already on"))
        .Open("unknown user and wrong password look alike", Say("a LOGIN nobody wrong\r\n", "a NO [AUTHENTICATIONFAILED] authentication failed"), Say("b LOGIN bob wrong\r\n", "b NO [AUTHENTICATIONFAILED] authentication failed"))
        .Closed("password guessing is cut off",
            Say("a LOGIN bob guess1\r\n", "a NO [AUTHENTICATIONFAILED] authentication failed"), Say("b LOGIN bob guess2\r\n", "b NO [AUTHENTICATIONFAILED] authentication failed"),
            Say("c LOGIN bob guess3\r\n", "* BYE too many failed logins", "c NO [AUTHENTICATIONFAILED] authentication failed"))
        .Open("AUTHENTICATE PLAIN acting for another user", Say($"a AUTHENTICATE PLAIN {Base64("alice\0bob\0" + ImapServerHarness.Password)}\r\n", "a NO [AUTHENTICATIONFAILED] authentication failed"))
        .Open("AUTHENTICATE cancelled", Say("a AUTHENTICATE PLAIN\r\n", "+ "), Say("*\r\n", "a BAD AUTHENTICATE cancelled"))
        .Open("AUTHENTICATE response not base64", Say("a AUTHENTICATE PLAIN\r\n", "+ "), Say("!!!\r\n", "a BAD the response is not base64"))
        .Open("AUTHENTICATE \"=\" on a continuation line is not the empty response", Say("a AUTHENTICATE PLAIN\r\n", "+ "), Say("=\r\n", "a BAD the response is not base64"))
        .Open("SELECT a path above the root", Login, Say("b SELECT \"../alice/INBOX\"\r\n", "b NO [NONEXISTENT] no mailbox ../alice/INBOX"))
        .Open("SELECT another user's INBOX", Login, Say("b SELECT \"~alice/INBOX\"\r\n", "b NO [NONEXISTENT] no mailbox ~alice/INBOX"))
        .Open("a dot-dot mailbox name is only a name in bob's store", Login, Say("b CREATE \"x/../../etc\"\r\nc DELETE \"x/../../etc\"\r\n", "b OK CREATE completed", "c OK DELETE completed"))
        .Open("LIST reaching outside the namespace", Login, Say("b LIST \"../\" \"*\"\r\n", "b OK LIST completed"))
        .Open("sequence set past 32 bits", Login, Select, Say("b FETCH 1:4294967296 FLAGS\r\n", "b BAD invalid sequence set number \"4294967296\" (1 to 4294967295 or *)"))
        .Open("sequence number zero", Login, Select, Say("b UID FETCH 0 FLAGS\r\n", "b BAD invalid sequence set number \"0\" (1 to 4294967295 or *)"))
        .Open("SEARCH nested too deep", Login, Select, Say("b SEARCH " + new string('(', 200) + "ALL" + new string(')', 200) + "\r\n", "b BAD parentheses nested deeper than 32"))
        .Open("quoted string with a bad escape", Login, Say("b SELECT \"IN\\BOX\"\r\n", "b BAD a backslash in a quoted string escapes only \" or \\"))
        .Open("STORE on a mailbox opened read-only", Login, Say("e EXAMINE INBOX\r\n", "~e OK [READ-ONLY]*"), Say("b STORE 1 +FLAGS (\\Deleted)\r\n", "b NO [READ-ONLY] the mailbox is read-only"))
        .Open("IDLE ended by something else than DONE", Login, Select, Say("b IDLE\r\n", "+ idling"), Say("NOOP\r\n", "b BAD expected DONE"))
        .Open("pipelined flood of 2000 NOOPs", Say(string.Concat(Enumerable.Range(0, 2000).Select(i => $"n{i} NOOP\r\n")), [.. Enumerable.Range(0, 2000).Select(i => $"n{i} OK NOOP completed")]))
        .Open("pipelined flood of 300 SELECT and FETCH", Login, Say(Repeat(300, "s SELECT INBOX\r\nf FETCH 1:* FLAGS\r\n"), [.. Enumerable.Range(0, 300).SelectMany(_ => new[] { "~s OK*", "~f OK*" })]))
        .Closed("a silent client is dropped at the transport's idle timeout (no BYE: RFC 9051 leaves it optional)", Say(""));

    protected override Task RunAsync(HostileCase hostile) => HostileRunner.RunAsync(server, hostile);
}
