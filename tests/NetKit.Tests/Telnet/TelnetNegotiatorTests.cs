using NetKit.Telnet;

namespace NetKit.Tests.Telnet;

// RFC 1143's Q method: each request goes out once, each peer message is answered at most once.
public class TelnetNegotiatorTests
{
    private static (TelnetNegotiator Negotiator, List<string> Sent) Create(TelnetOptionPolicy? policy = null)
    {
        var sent = new List<string>();
        var negotiator = new TelnetNegotiator(policy ?? TelnetOptionPolicy.Server, (verb, option) => sent.Add($"{verb} {TelnetNames.Option(option)}"));
        return (negotiator, sent);
    }

    [Fact]
    public void Receive_doForAllowedOption_answersWillOnceAndEnables()
    {
        var (n, sent) = Create();
        n.Receive(TelnetCommand.DO, (byte)TelnetOption.Echo);
        n.Receive(TelnetCommand.DO, (byte)TelnetOption.Echo);
        Assert.Equal(["WILL ECHO"], sent);
        Assert.True(n.IsEnabled(TelnetSide.Local, TelnetOption.Echo));
    }

    [Fact]
    public void Receive_willForRefusedOption_answersDont()
    {
        var (n, sent) = Create();
        n.Receive(TelnetCommand.WILL, (byte)TelnetOption.Echo); // A server does not let the client echo.
        n.Receive(TelnetCommand.DO, 200);
        Assert.Equal(["DONT ECHO", "WONT 200"], sent);
        Assert.False(n.IsEnabled(TelnetSide.Remote, TelnetOption.Echo));
    }

    [Fact]
    public void Request_ourRequestAcknowledged_isNotAnsweredAgain()
    {
        var (n, sent) = Create();
        n.Request(TelnetSide.Local, TelnetOption.Echo, true);
        n.Receive(TelnetCommand.DO, (byte)TelnetOption.Echo);
        Assert.Equal(["WILL ECHO"], sent);
        Assert.True(n.IsEnabled(TelnetSide.Local, TelnetOption.Echo));
    }

    [Fact]
    public void Request_repeatedWhileInFlight_isSentOnce()
    {
        var (n, sent) = Create();
        n.Request(TelnetSide.Remote, TelnetOption.TerminalType, true);
        n.Request(TelnetSide.Remote, TelnetOption.TerminalType, true);
        Assert.Equal(["DO TTYPE"], sent);
    }

    [Fact]
    public void Request_offWhileOnInFlight_isQueuedAndSentAfterTheAnswer()
    {
        var (n, sent) = Create();
        n.Request(TelnetSide.Local, TelnetOption.Echo, true);
        n.Request(TelnetSide.Local, TelnetOption.Echo, false);
        n.Receive(TelnetCommand.DO, (byte)TelnetOption.Echo);
        n.Receive(TelnetCommand.DONT, (byte)TelnetOption.Echo);
        Assert.Equal(["WILL ECHO", "WONT ECHO"], sent);
        Assert.False(n.IsEnabled(TelnetSide.Local, TelnetOption.Echo));
    }

    [Fact]
    public void Receive_peerAnswersEveryRequestWithItsOpposite_noLoop()
    {
        // Two negotiators wired to each other: one always asks, the other always refuses.
        var inFlight = new Queue<(TelnetCommand Verb, byte Option, bool ToB)>();
        TelnetNegotiator? a = null, b = null;
        a = new TelnetNegotiator(TelnetOptionPolicy.Server, (v, o) => inFlight.Enqueue((v, o, true)));
        b = new TelnetNegotiator(new TelnetOptionPolicy([], []), (v, o) => inFlight.Enqueue((v, o, false)));
        foreach (var option in new[] { TelnetOption.Echo, TelnetOption.SuppressGoAhead, TelnetOption.Binary })
        {
            a.Request(TelnetSide.Local, option, true);
            a.Request(TelnetSide.Remote, option, true);
        }

        var messages = 0;
        while (inFlight.TryDequeue(out var m))
        {
            Assert.True(++messages < 100, "negotiation did not settle");
            (m.ToB ? b : a).Receive(m.Verb, m.Option);
        }

        Assert.Equal(12, messages); // 6 requests, 6 refusals, nothing more.
        Assert.False(a.IsEnabled(TelnetSide.Local, TelnetOption.Echo));
    }

    [Fact]
    public void Receive_stormOfAlternatingWillWont_answersEachChangeOnceAndEndsOff()
    {
        var (n, sent) = Create();
        for (var i = 0; i < 1000; i++)
        {
            n.Receive(TelnetCommand.WILL, (byte)TelnetOption.TerminalType);
            n.Receive(TelnetCommand.WONT, (byte)TelnetOption.TerminalType);
        }

        // Each WILL (while off) and each WONT (while on) gets exactly one answer: bounded by what the peer sends.
        Assert.Equal(2000, sent.Count);
        Assert.False(n.IsEnabled(TelnetSide.Remote, TelnetOption.TerminalType));
    }

    [Fact]
    public void Receive_wontForOptionNeverOn_isIgnored()
    {
        var (n, sent) = Create();
        n.Receive(TelnetCommand.WONT, (byte)TelnetOption.Echo);
        n.Receive(TelnetCommand.DONT, (byte)TelnetOption.Echo);
        Assert.Empty(sent);
    }
}
