using NetKit.Smtp;
using NetKit.Tests.Support;

namespace NetKit.Tests.BadServers;

/// <summary>SmtpClient against scripted servers that stall, cut replies, lie or inject.</summary>
public sealed class SmtpClientBadServerTests
{
    private static readonly SmtpClientOptions Short = new()
    {
        CommandTimeout = TimeSpan.FromSeconds(1),
        Security = SmtpSecurity.StartTlsWhenAvailable,
        AcceptAnyCertificate = true,
    };

    private static async Task<T> ConnectFailsAsync<T>(ScriptedPeer peer, SmtpClientOptions? options = null)
        where T : Exception
    {
        await using var client = new SmtpClient(options ?? Short);
        return await NoHang.ThrowsAsync<T>(() => client.ConnectAsync("127.0.0.1", peer.Port));
    }

    [Fact]
    public async Task GreetingThatNeverComesTimesOut()
    {
        await using var peer = new ScriptedPeer().StallForever().Start();
        var ex = await ConnectFailsAsync<SmtpTimeoutException>(peer);
        Assert.Contains("greeting", ex.Message);
    }

    [Fact]
    public async Task GreetingCutMidLineThenCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send("220 mail.exa").Close().Start();
        var ex = await ConnectFailsAsync<SmtpProtocolException>(peer);
        Assert.Contains("greeting", ex.Message);
    }

    [Fact]
    public async Task MultilineEhloReplyThatNeverEndsTimesOut()
    {
        await using var peer = new ScriptedPeer().Line("220 hi").Expect().Send("250-hi\r\n250-PIPELINING\r\n").StallForever().Start();
        var ex = await ConnectFailsAsync<SmtpTimeoutException>(peer);
        Assert.Contains("EHLO", ex.Message);
    }

    [Fact]
    public async Task MultilineReplyCutByCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Line("220 hi").Expect().Send("250-hi\r\n250-PIPELI").Close().Start();
        await ConnectFailsAsync<SmtpProtocolException>(peer);
    }

    [Fact]
    public async Task NonNumericGreetingIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Line("hello, this is not SMTP").StallForever().Start();
        await ConnectFailsAsync<SmtpProtocolException>(peer);
    }

    [Fact]
    public async Task GarbageReplyCodeToEhloIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Line("220 hi").Expect().Line("2x0 what").StallForever().Start();
        await ConnectFailsAsync<SmtpProtocolException>(peer);
    }

    [Fact]
    public async Task ReplyInjectedAfterStartTlsGoAheadIsRefused()
    {
        await using var peer = new ScriptedPeer()
            .Line("220 hi").Expect().Send("250-hi\r\n250 STARTTLS\r\n").Expect()
            .Send("220 go ahead\r\n250 injected before TLS\r\n") // one write: the CVE-2011-0411 pattern
            .StallForever().Start();
        var ex = await ConnectFailsAsync<SmtpProtocolException>(peer);
        Assert.Contains("STARTTLS", ex.Message);
        Assert.Contains("injected", ex.Message);
    }

    [Fact]
    public async Task StartTlsHandshakeAnsweredWithGarbageFailsClearly()
    {
        await using var peer = new ScriptedPeer()
            .Line("220 hi").Expect().Send("250-hi\r\n250 STARTTLS\r\n").Expect().Line("220 go ahead")
            .Swallow() // the ClientHello
            .Line("this is not a TLS record").Close().Start();
        var ex = await ConnectFailsAsync<SmtpProtocolException>(peer);
        Assert.Contains("TLS handshake", ex.Message);
    }

    [Fact]
    public async Task StartTlsHandshakeThatStallsTimesOut()
    {
        await using var peer = new ScriptedPeer()
            .Line("220 hi").Expect().Send("250-hi\r\n250 STARTTLS\r\n").Expect().Line("220 go ahead").StallForever().Start();
        var ex = await ConnectFailsAsync<SmtpTimeoutException>(peer);
        Assert.Contains("TLS", ex.Message);
    }

    [Fact]
    public async Task StartTlsToARealTlsPeerWorks()
    {
        // The control case: the same script with an honest handshake connects, so the failures above are the server's.
        await using var peer = new ScriptedPeer()
            .Line("220 hi").Expect().Send("250-hi\r\n250 STARTTLS\r\n").Expect().Line("220 go ahead")
            .UpgradeTls().Expect().Line("250 hi again").Start();
        await using var client = new SmtpClient(Short with { CommandTimeout = TimeSpan.FromSeconds(10) });
        await client.ConnectAsync("127.0.0.1", peer.Port).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(client.IsSecure);
    }
}
