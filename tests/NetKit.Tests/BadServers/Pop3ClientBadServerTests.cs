using System.Text;
using NetKit.Pop3;
using NetKit.Pop3.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.BadServers;

/// <summary>Pop3Client against scripted servers that stall, cut replies, lie about sizes or inject.</summary>
public sealed class Pop3ClientBadServerTests
{
    private static readonly Pop3ClientOptions Short = new() { CommandTimeout = TimeSpan.FromSeconds(1), AcceptAnyCertificate = true };

    private static Task<Pop3ProtocolException> ConnectFailsAsync(ScriptedPeer peer, Pop3TlsMode tls = Pop3TlsMode.None) =>
        NoHang.ThrowsAsync<Pop3ProtocolException>(async () =>
        {
            var client = await Pop3Client.ConnectAsync(peer.Address, tls, Short);
            await client.DisposeAsync(); // Not reached when the test passes: connecting must fail.
        });

    /// <summary>Greets, then runs <paramref name="call"/> against the rest of the script; returns what it threw.</summary>
    private static async Task<Pop3ProtocolException> CallFailsAsync(ScriptedPeer peer, Func<Pop3Client, Task> call, Pop3ClientOptions? options = null)
    {
        await using var client = await Pop3Client.ConnectAsync(peer.Address, Pop3TlsMode.None, options ?? Short).WaitAsync(TimeSpan.FromSeconds(20));
        return await NoHang.ThrowsAsync<Pop3ProtocolException>(() => call(client));
    }

    private static ScriptedPeer Greeted() => new ScriptedPeer().Line("+OK POP3 ready");

    [Fact]
    public async Task GreetingThatNeverComesTimesOut()
    {
        await using var peer = new ScriptedPeer().StallForever().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("did not answer", ex.Message);
    }

    [Fact]
    public async Task GreetingCutMidLineThenCloseIsAProtocolError()
    {
        await using var peer = new ScriptedPeer().Send("+OK POP3 rea").Close().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("closed", ex.Message);
    }

    [Fact]
    public async Task NonPop3GreetingIsRefused()
    {
        await using var peer = new ScriptedPeer().Line("220 an SMTP server").StallForever().Start();
        var ex = await ConnectFailsAsync(peer);
        Assert.Contains("not a POP3 server", ex.Message);
    }

    [Fact]
    public async Task GarbageStatusLineIsAProtocolError()
    {
        await using var peer = Greeted().Expect().Line("250 OK").StallForever().Start();
        var ex = await CallFailsAsync(peer, c => c.NoopAsync());
        Assert.Contains("neither +OK nor -ERR", ex.Message);
    }

    [Fact]
    public async Task ListThatNeverEndsTimesOut()
    {
        await using var peer = Greeted().Expect().Send("+OK 2 messages\r\n1 120\r\n2 200\r\n").StallForever().Start();
        var ex = await CallFailsAsync(peer, c => c.ListAsync());
        Assert.Contains("did not answer", ex.Message);
    }

    [Fact]
    public async Task ListWithANonNumericSizeIsAProtocolError()
    {
        await using var peer = Greeted().Expect().Send("+OK\r\n1 lots\r\n.\r\n").StallForever().Start();
        await CallFailsAsync(peer, c => c.ListAsync());
    }

    [Fact]
    public async Task RetrShorterThanAnnouncedThenCloseIsAProtocolError()
    {
        // LIST promised 500 octets; the server sends a few and hangs up without the terminating dot.
        await using var peer = Greeted().Expect().Line("+OK 500 octets").Send("Subject: x\r\n\r\nonly thi").Close().Start();
        var ex = await CallFailsAsync(peer, c => c.RetrAsync(1));
        Assert.Contains("closed", ex.Message);
    }

    [Fact]
    public async Task RetrLongerThanTheClientAcceptsIsAProtocolError()
    {
        // A size that lies low and a body that never stops: the client's own cap ends it, not memory.
        var endless = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n", 200)));
        await using var peer = Greeted().Expect().Line("+OK 10 octets").Send(endless).StallForever().Start();
        await CallFailsAsync(peer, c => c.RetrAsync(1), Short with { MaxResponseSize = 4096 });
    }

    [Fact]
    public async Task RetrIsWhatWasSentWhateverListClaimed()
    {
        // The scan listing is advice (RFC 1939 section 11): the client neither truncates nor pads to it.
        await using var peer = Greeted().Expect().Send("+OK\r\n1 3\r\n.\r\n").Expect().Send("+OK 3 octets\r\nSubject: longer than 3\r\n\r\nbody\r\n.\r\n").Start();
        await using var client = await Pop3Client.ConnectAsync(peer.Address, Pop3TlsMode.None, Short with { CommandTimeout = TimeSpan.FromSeconds(10) }).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, (await client.ListAsync().WaitAsync(TimeSpan.FromSeconds(20)))[0].Size);
        var message = await client.RetrAsync(1).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("Subject: longer than 3\r\n\r\nbody\r\n", Encoding.ASCII.GetString(message));
    }

    [Fact]
    public async Task ReplyInjectedAfterStlsGoAheadIsRefused()
    {
        await using var peer = Greeted().Expect().Send("+OK begin TLS\r\n+OK injected before TLS\r\n").StallForever().Start();
        var ex = await ConnectFailsAsync(peer, Pop3TlsMode.StartTls);
        Assert.Contains("STLS", ex.Message);
        Assert.Equal(["STLS"], peer.Received);
    }

    [Fact]
    public async Task StlsHandshakeAnsweredWithGarbageFailsClearly()
    {
        await using var peer = Greeted().Expect().Line("+OK begin TLS").Swallow().Line("not a TLS record").Close().Start();
        var ex = await ConnectFailsAsync(peer, Pop3TlsMode.StartTls);
        Assert.Contains("TLS handshake", ex.Message);
    }

    [Fact]
    public async Task StlsHandshakeThatStallsTimesOut()
    {
        await using var peer = Greeted().Expect().Line("+OK begin TLS").StallForever().Start();
        await ConnectFailsAsync(peer, Pop3TlsMode.StartTls);
    }
}
