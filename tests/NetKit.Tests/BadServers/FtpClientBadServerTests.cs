using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.BadServers;

/// <summary>FtpClient against scripted servers: stalls, cut replies, hostile PASV, AUTH TLS failures and injection.</summary>
public sealed class FtpClientBadServerTests
{
    private static readonly FtpClientOptions Short = new() { Timeout = TimeSpan.FromSeconds(1), AcceptAnyCertificate = true };

    private static Task<FtpProtocolException> ConnectFailsAsync(ScriptedPeer peer) =>
        NoHang.ThrowsAsync<FtpProtocolException>(async () =>
        {
            var client = await FtpClient.ConnectAsync("127.0.0.1", peer.Port, Short);
            await client.DisposeAsync(); // Not reached when the test passes: connecting must fail.
        });

    private static async Task<FtpProtocolException> CallFailsAsync(ScriptedPeer peer, Func<FtpClient, Task> call)
    {
        await using var client = await FtpClient.ConnectAsync("127.0.0.1", peer.Port, Short).WaitAsync(TimeSpan.FromSeconds(20));
        return await NoHang.ThrowsAsync<FtpProtocolException>(() => call(client));
    }

    private static ScriptedPeer Greeted() => new ScriptedPeer().Line("220 FTP ready");

    [Fact]
    public async Task GreetingThatNeverComesTimesOut()
    {
        await using var peer = new ScriptedPeer().StallForever().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("no reply", ex.Message);
    }

    [Fact]
    public async Task GreetingCutMidLineThenCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send("220 FTP rea").Close().Start();
        await ConnectFailsAsync(peer);
    }

    [Fact]
    public async Task NonNumericGreetingIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Line("SSH-2.0-OpenSSH_9.6").StallForever().Start();
        await ConnectFailsAsync(peer);
    }

    [Fact]
    public async Task MultilineReplyThatNeverEndsTimesOut()
    {
        await using var peer = Greeted().Expect().Send("211-Features:\r\n MDTM\r\n SIZE\r\n").StallForever().Start();
        await CallFailsAsync(peer, c => c.FeaturesAsync());
    }

    [Fact]
    public async Task PassivePortThatIsClosedFailsWithTheCommandNamed()
    {
        var closed = LoopbackPorts.Free();
        await using var peer = Greeted().Expect().Line("200 binary").Expect().Line($"229 Entering Extended Passive Mode (|||{closed}|)").StallForever().Start();
        var ex = await CallFailsAsync(peer, c => c.DownloadAsync("file", Stream.Null));
        Assert.Contains("RETR file", ex.Message);
    }

    [Fact]
    public async Task PassiveReplyPointingToAnotherHostIsNotFollowed()
    {
        // The 227 names 10.9.8.7; the client must use the control connection's peer (127.0.0.1) and only the port.
        await using var data = new ScriptedPeer().Send("the file\r\n").Close().Start();
        var (hi, lo) = (data.Port / 256, data.Port % 256);
        await using var peer = Greeted().Expect().Line("200 binary").Expect().Line("502 no EPSV")
            .Expect().Line($"227 Entering Passive Mode (10,9,8,7,{hi},{lo})")
            .Expect().Line("150 here it comes").Stall(TimeSpan.FromMilliseconds(100)).Line("226 done").StallForever().Start();
        await using var client = await FtpClient.ConnectAsync("127.0.0.1", peer.Port, Short with { Timeout = TimeSpan.FromSeconds(10) }).WaitAsync(TimeSpan.FromSeconds(20));
        using var into = new MemoryStream();
        await client.DownloadAsync("file", into).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("the file\r\n", System.Text.Encoding.ASCII.GetString(into.ToArray()));
    }

    [Fact]
    public async Task ReplyInjectedAfterAuthTlsGoAheadIsRefused()
    {
        await using var peer = Greeted().Expect().Send("234 go ahead\r\n230 injected: logged in\r\n").StallForever().Start();
        var ex = await CallFailsAsync(peer, c => c.AuthTlsAsync());
        Assert.Contains("injected", ex.Message);
    }

    [Fact]
    public async Task AuthTlsHandshakeAnsweredWithGarbageFailsClearly()
    {
        await using var peer = Greeted().Expect().Line("234 go ahead").Swallow().Line("not a TLS record").Close().Start();
        var ex = await CallFailsAsync(peer, c => c.AuthTlsAsync());
        Assert.Contains("TLS handshake", ex.Message);
    }

    [Fact]
    public async Task AuthTlsHandshakeThatStallsTimesOut()
    {
        await using var peer = Greeted().Expect().Line("234 go ahead").StallForever().Start();
        await CallFailsAsync(peer, c => c.AuthTlsAsync());
    }
}
