using NetKit.Imap;
using NetKit.Imap.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.BadServers;

/// <summary>ImapClient against scripted servers that stall, cut literals, send garbage or inject.</summary>
public sealed class ImapClientBadServerTests
{
    private static readonly ImapClientOptions Short = new()
    {
        CommandTimeout = TimeSpan.FromSeconds(1),
        Security = ImapSecurity.None,
        AcceptAnyCertificate = true,
    };

    private const string Greeting = "* OK [CAPABILITY IMAP4rev1] ready\r\n";

    private static string Tag(string line) => line.Split(' ')[0];

    private static async Task<ImapProtocolException> ConnectFailsAsync(ScriptedPeer peer, ImapSecurity security = ImapSecurity.None)
    {
        await using var client = new ImapClient(Short with { Security = security });
        return await NoHang.ThrowsAsync<ImapProtocolException>(() => client.ConnectAsync("127.0.0.1", peer.Port));
    }

    private static async Task<ImapProtocolException> CallFailsAsync(ScriptedPeer peer, Func<ImapClient, Task> call)
    {
        await using var client = new ImapClient(Short);
        await client.ConnectAsync("127.0.0.1", peer.Port).WaitAsync(TimeSpan.FromSeconds(20));
        return await NoHang.ThrowsAsync<ImapProtocolException>(() => call(client));
    }

    [Fact]
    public async Task GreetingThatNeverComesTimesOut()
    {
        // Was a hang: the greeting was read with no clock at all.
        await using var peer = new ScriptedPeer().StallForever().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("did not greet", ex.Message);
    }

    [Fact]
    public async Task GreetingCutMidLineThenCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send("* OK [CAPABI").Close().Start();
        await ConnectFailsAsync(peer);
    }

    [Fact]
    public async Task NonImapGreetingIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Line("+OK a POP3 server").StallForever().Start();
        await ConnectFailsAsync(peer);
    }

    [Fact]
    public async Task TaggedReplyThatNeverComesTimesOut()
    {
        // Untagged data keeps coming, the tagged OK never does.
        await using var peer = new ScriptedPeer().Send(Greeting).Expect().Send("* 1 EXISTS\r\n* 0 RECENT\r\n").StallForever().Start();
        var ex = await CallFailsAsync(peer, c => c.NoopAsync());
        Assert.Contains("no answer to NOOP", ex.Message);
    }

    [Fact]
    public async Task LiteralLargerThanWhatIsSentThenCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send(Greeting).Expect()
            .Send("* 1 FETCH (UID 7 BODY[] {5000}\r\nSubject: only a little\r\n").Close().Start();
        var ex = await CallFailsAsync(peer, c => c.FetchAsync("7", "BODY[]"));
        Assert.Contains("broke", ex.Message);
    }

    [Fact]
    public async Task LiteralLargerThanWhatIsSentThenStallTimesOut()
    {
        await using var peer = new ScriptedPeer().Send(Greeting).Expect()
            .Send("* 1 FETCH (UID 7 BODY[] {5000}\r\nSubject: only a little\r\n").StallForever().Start();
        await CallFailsAsync(peer, c => c.FetchAsync("7", "BODY[]"));
    }

    [Fact]
    public async Task GarbageResponseLineIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send(Greeting).Expect().Line("250 this is SMTP talking").StallForever().Start();
        await CallFailsAsync(peer, c => c.NoopAsync());
    }

    [Fact]
    public async Task ReplyInjectedAfterStartTlsGoAheadIsRefused()
    {
        await using var peer = new ScriptedPeer().Line("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
            .Answer(l => $"{Tag(l)} OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected before TLS\r\n")
            .StallForever().Start();
        var ex = await ConnectFailsAsync(peer, ImapSecurity.StartTls);
        Assert.Contains("STARTTLS", ex.Message);
        Assert.Contains("injected", ex.Message);
    }

    [Fact]
    public async Task StartTlsHandshakeAnsweredWithGarbageFailsClearly()
    {
        await using var peer = new ScriptedPeer().Line("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
            .Answer(l => $"{Tag(l)} OK begin TLS\r\n").Swallow().Line("not a TLS record").Close().Start();
        var ex = await ConnectFailsAsync(peer, ImapSecurity.StartTls);
        Assert.Contains("TLS handshake", ex.Message);
    }

    [Fact]
    public async Task StartTlsHandshakeThatStallsTimesOut()
    {
        // Was a hang: the handshake after STARTTLS had no clock either.
        await using var peer = new ScriptedPeer().Line("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
            .Answer(l => $"{Tag(l)} OK begin TLS\r\n").StallForever().Start();
        await ConnectFailsAsync(peer, ImapSecurity.StartTls);
    }

    [Fact]
    public async Task StartTlsToARealTlsPeerWorks()
    {
        // The control case: an honest handshake connects, so the failures above are the server's.
        await using var peer = new ScriptedPeer().Line("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
            .Answer(l => $"{Tag(l)} OK begin TLS\r\n").UpgradeTls()
            .Answer(l => $"* CAPABILITY IMAP4rev1\r\n{Tag(l)} OK done\r\n").Start();
        await using var client = new ImapClient(Short with { Security = ImapSecurity.StartTls, CommandTimeout = TimeSpan.FromSeconds(10) });
        await client.ConnectAsync("127.0.0.1", peer.Port).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(client.IsSecure);
    }
}
