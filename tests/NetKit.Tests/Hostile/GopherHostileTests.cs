using NetKit.Gopher;
using NetKit.Gopher.Client;
using NetKit.Gopher.Server;
using NetKit.Tests.Gopher;
using NetKit.Tests.Support;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>Our Gopher server over a temporary hole (a secret file beside the root, symlinks out), under hostile clients.</summary>
public sealed class GopherHostileServer : IHostileServer, IAsyncLifetime
{
    private GopherHole _hole = null!;

    /// <summary>Gopher answers one request and closes: every case is a closed one, so there is no probe.</summary>
    public string Probe => "";

    public string ProbeReply => "";

    public async Task InitializeAsync() => _hole = await GopherHole.StartAsync(options => options with { RequestTimeout = TimeSpan.FromSeconds(1) });

    public Task<RawLineClient> ConnectAsync() => RawLineClient.ConnectAsync(_hole.Port);

    /// <summary>Our client reads the root menu and a text: both as they were, the secret never served.</summary>
    public async Task NormalClientAsync()
    {
        var client = new GopherClient(new GopherClientOptions { ReadTimeout = TimeSpan.FromSeconds(10) });
        var menu = await client.GetMenuAsync(_hole.Url('1', ""));
        Assert.Contains(menu, item => item.Selector.EndsWith("docs", StringComparison.Ordinal));
        Assert.Equal("plain text without an extension\n", (await client.GetTextAsync(_hole.Url('0', "docs/readme"))).ReplaceLineEndings("\n"));
    }

    public async Task DisposeAsync() => await _hole.DisposeAsync();
}

public sealed class GopherHostileTests(GopherHostileServer server)
    : HostileTests<GopherHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<GopherHostileServer>
{
    private static string[] Error(string text) => [$"3{text}\t\t{GopherItem.ErrorHost}\t1", "."];

    private static string[] Missing(string selector) => Error($"'{selector}' does not exist");

    private const string ControlChars = "a selector cannot hold control characters";

    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Closed("overlong selector", Say(new string('s', 2000) + "\r\n", Error("selector too long (the limit is 1024 bytes)")))
        .Closed("overlong search words", Say(GopherServer.SearchSelector + "\t" + new string('w', 5000) + "\r\n", Error("selector too long (the limit is 1024 bytes)")))
        .Closed("invalid UTF-8 selector", Say("docs/\u00ff\u00fe\r\n", Error("a selector must be UTF-8")))
        .Closed("overlong UTF-8 encoding of a dot-dot", Say("\u00c0\u00ae\u00c0\u00ae/outside/secret.txt\r\n", Error("a selector must be UTF-8")))
        .Closed("NUL in a selector", Say("docs/readme\0.txt\r\n", Error(ControlChars)))
        .Closed("bare CR inside a selector", Say("docs\rreadme\r\n", Error(ControlChars)))
        .Closed("an escape character in a selector", Say("docs/\u001b[2Jreadme\r\n", Error(ControlChars)))
        .Closed("control characters in search words", Say(GopherServer.SearchSelector + "\tneedle\u0007\r\n", Error(ControlChars)))
        .Closed("dot-dot out of the root", Say("../outside/secret.txt\r\n", Missing("../outside/secret.txt")))
        .Closed("absolute dot-dot out of the root", Say("/../outside/secret.txt\r\n", Missing("/../outside/secret.txt")))
        .Closed("dot-dot after a real directory", Say("docs/../../outside/secret.txt\r\n", Missing("docs/../../outside/secret.txt")))
        .Closed("percent-encoded dot-dot", Say("%2e%2e/outside/secret.txt\r\n", Missing("%2e%2e/outside/secret.txt")))
        .Closed("backslash dot-dot", Say("..\\outside\\secret.txt\r\n", Missing("..\\outside\\secret.txt")))
        .Closed("a system file by absolute path", Say("/etc/passwd\r\n", Missing("/etc/passwd")))
        .Closed("a double-slash absolute path", Say("//etc/passwd\r\n", Missing("//etc/passwd")))
        .Closed("a home directory", Say("~root/.ssh/id_rsa\r\n", Missing("~root/.ssh/id_rsa")))
        .Closed("a symlinked directory out of the root", Say("escape/secret.txt\r\n", Missing("escape/secret.txt")))
        .Closed("a symlinked file out of the root", Say("secret-link.txt\r\n", Missing("secret-link.txt")))
        .Closed("a hidden file", Say(".hidden\r\n", Missing(".hidden")))
        .Closed("a selector of three dots", Say("...\r\n", Missing("...")))
        .Closed("a search with no words", Say(GopherServer.SearchSelector + "\r\n", Error("a search needs words: send the selector, a tab and the words")))
        .Closed("a search with only a tab", Say(GopherServer.SearchSelector + "\t\r\n", Error("a search needs words: send the selector, a tab and the words")))
        .Closed("an HTTP request", Say("GET / HTTP/1.1\r\nHost: x\r\n\r\n", Missing("GET / HTTP/1.1")))
        .Closed("a silent client times out", Say("", Error("request timed out: send a selector and CRLF")))
        .Closed("half a selector, then silence", Say("docs/rea", Error("request timed out: send a selector and CRLF")))
        .Closed("a bare LF ends the selector", Say("docs/readme\n", "plain text without an extension", "."))
        .Closed("pipelined requests: only the first is answered", Say("docs/readme\r\ndocs/needle.txt\r\n../x\r\n", "plain text without an extension", "."))
        .Closed("Gopher+ extras are ignored", Say("docs/readme\t\t$\r\n", "plain text without an extension", "."))
        .Closed("a missing file with a trailing space", Say("docs/readme \r\n", Missing("docs/readme ")))
        .Closed("a file path used as a directory", Say("docs/readme/..\r\n", Missing("docs/readme/..")));

    protected override Task RunAsync(HostileCase hostile) => HostileRunner.RunAsync(server, hostile);
}
