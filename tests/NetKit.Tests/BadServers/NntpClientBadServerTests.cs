using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.BadServers;

/// <summary>NntpClient against scripted servers that stall, cut replies, send garbage or inject after STARTTLS.</summary>
public sealed class NntpClientBadServerTests
{
    private static readonly NntpClientOptions Short = new() { CommandTimeout = TimeSpan.FromSeconds(1), AcceptAnyCertificate = true };

    private static async Task<NntpProtocolException> ConnectFailsAsync(ScriptedPeer peer)
    {
        await using var client = new NntpClient(Short);
        return await NoHang.ThrowsAsync<NntpProtocolException>(() => client.ConnectAsync("127.0.0.1", peer.Port));
    }

    private static async Task<NntpProtocolException> CallFailsAsync(ScriptedPeer peer, Func<NntpClient, Task> call)
    {
        await using var client = new NntpClient(Short);
        await client.ConnectAsync("127.0.0.1", peer.Port).WaitAsync(TimeSpan.FromSeconds(20));
        return await NoHang.ThrowsAsync<NntpProtocolException>(() => call(client));
    }

    private static ScriptedPeer Greeted() => new ScriptedPeer().Line("200 news ready");

    [Fact]
    public async Task GreetingThatNeverComesTimesOut()
    {
        // Was a hang: the greeting was read without the command clock.
        await using var peer = new ScriptedPeer().StallForever().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("no answer", ex.Message);
    }

    [Fact]
    public async Task GreetingCutMidLineThenCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send("200 news re").Close().Start();
        await ConnectFailsAsync(peer);
    }

    [Fact]
    public async Task NonNumericGreetingIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Line("* OK an IMAP server").StallForever().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("not an NNTP reply", ex.Message);
    }

    [Fact]
    public async Task MultilineReplyThatNeverEndsTimesOut()
    {
        await using var peer = Greeted().Expect().Send("101 Capability list:\r\nVERSION 2\r\nREADER\r\n").StallForever().Start();
        await CallFailsAsync(peer, c => c.GetCapabilitiesAsync());
    }

    [Fact]
    public async Task ArticleCutByCloseIsAProtocolError()
    {
        await using var peer = Greeted().Expect().Send("220 1 <a@b> article\r\nSubject: x\r\n\r\nhalf a bo").Close().Start();
        var ex = await CallFailsAsync(peer, c => c.ArticleAsync(1));
        Assert.Contains("closed", ex.Message);
    }

    [Fact]
    public async Task ReplyInjectedAfterStartTlsGoAheadIsRefused()
    {
        await using var peer = Greeted().Expect().Send("382 go ahead\r\n281 injected: authenticated\r\n").StallForever().Start();
        var ex = await CallFailsAsync(peer, c => c.StartTlsAsync());
        Assert.Contains("injected", ex.Message);
    }

    [Fact]
    public async Task StartTlsHandshakeAnsweredWithGarbageFailsClearly()
    {
        await using var peer = Greeted().Expect().Line("382 go ahead").Swallow().Line("not a TLS record").Close().Start();
        var ex = await CallFailsAsync(peer, c => c.StartTlsAsync());
        Assert.Contains("TLS handshake", ex.Message);
    }

    [Fact]
    public async Task StartTlsHandshakeThatStallsTimesOut()
    {
        await using var peer = Greeted().Expect().Line("382 go ahead").StallForever().Start();
        await CallFailsAsync(peer, c => c.StartTlsAsync());
    }
}
