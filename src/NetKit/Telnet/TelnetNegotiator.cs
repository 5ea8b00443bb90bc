namespace NetKit.Telnet;

/// <summary>
/// Option negotiation by the Q method of RFC 1143: per option and side, a state
/// (NO, YES, WANTNO, WANTYES) and a one-deep queue, so that a peer answering
/// every request with its opposite cannot drive us into a loop: each of our
/// requests is sent once and each of the peer's is answered at most once.
/// Holds no socket: what to send goes to <see cref="Send"/>.
/// </summary>
public sealed class TelnetNegotiator
{
    private enum Q : byte
    {
        No,
        Yes,
        WantNo,
        WantYes,
    }

    private readonly Q[] _us = new Q[256];
    private readonly Q[] _him = new Q[256];
    private readonly bool[] _usQueue = new bool[256];   // true: OPPOSITE queued
    private readonly bool[] _himQueue = new bool[256];
    private readonly TelnetOptionPolicy _policy;

    public TelnetNegotiator(TelnetOptionPolicy policy, Action<TelnetCommand, byte> send)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Send = send ?? throw new ArgumentNullException(nameof(send));
    }

    /// <summary>Where WILL/WONT/DO/DONT go out.</summary>
    public Action<TelnetCommand, byte> Send { get; }

    /// <summary>An option came on or went off (side, option, enabled).</summary>
    public event Action<TelnetSide, byte, bool>? Changed;

    public bool IsEnabled(TelnetSide side, TelnetOption option) => IsEnabled(side, (byte)option);

    public bool IsEnabled(TelnetSide side, byte option) => (side == TelnetSide.Local ? _us : _him)[option] == Q.Yes;

    /// <summary>Asks to turn an option on or off for a side; a request already in flight is queued, never repeated.</summary>
    public void Request(TelnetSide side, byte option, bool enable)
    {
        var states = side == TelnetSide.Local ? _us : _him;
        var queue = side == TelnetSide.Local ? _usQueue : _himQueue;
        var on = side == TelnetSide.Local ? TelnetCommand.WILL : TelnetCommand.DO;
        var off = side == TelnetSide.Local ? TelnetCommand.WONT : TelnetCommand.DONT;
        switch (states[option], enable)
        {
            case (Q.No, true):
                states[option] = Q.WantYes;
                Send(on, option);
                break;
            case (Q.Yes, false):
                states[option] = Q.WantNo;
                Send(off, option);
                break;
            case (Q.WantNo, true):
            case (Q.WantYes, false):
                queue[option] = true;
                break;
            case (Q.WantNo, false):
            case (Q.WantYes, true):
                queue[option] = false;
                break;
            default:
                // Already where asked: nothing to send.
                break;
        }
    }

    public void Request(TelnetSide side, TelnetOption option, bool enable) => Request(side, (byte)option, enable);

    /// <summary>Handles a WILL, WONT, DO or DONT from the peer.</summary>
    public void Receive(TelnetCommand verb, byte option)
    {
        switch (verb)
        {
            case TelnetCommand.WILL:
                Positive(TelnetSide.Remote, option, _him, _himQueue, TelnetCommand.DO, TelnetCommand.DONT);
                break;
            case TelnetCommand.WONT:
                Negative(TelnetSide.Remote, option, _him, _himQueue, TelnetCommand.DO, TelnetCommand.DONT);
                break;
            case TelnetCommand.DO:
                Positive(TelnetSide.Local, option, _us, _usQueue, TelnetCommand.WILL, TelnetCommand.WONT);
                break;
            case TelnetCommand.DONT:
                Negative(TelnetSide.Local, option, _us, _usQueue, TelnetCommand.WILL, TelnetCommand.WONT);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(verb), verb, "not a negotiation verb");
        }
    }

    /// <summary>WILL (about the peer) or DO (about us).</summary>
    private void Positive(TelnetSide side, byte option, Q[] states, bool[] queue, TelnetCommand on, TelnetCommand off)
    {
        switch (states[option])
        {
            case Q.No:
                if (_policy.Allows(side, option))
                {
                    states[option] = Q.Yes;
                    Send(on, option);
                    Changed?.Invoke(side, option, true);
                }
                else
                {
                    Send(off, option);
                }

                break;
            case Q.Yes:
                break; // An acknowledgement we did not ask for: ignore, or we would loop.
            case Q.WantNo:
                // The peer answered our "off" with "on": RFC 1143 calls it an error; take its word.
                states[option] = queue[option] ? Q.Yes : Q.No;
                queue[option] = false;
                if (states[option] == Q.Yes)
                {
                    Changed?.Invoke(side, option, true);
                }

                break;
            case Q.WantYes:
                if (queue[option])
                {
                    states[option] = Q.WantNo;
                    queue[option] = false;
                    Send(off, option);
                }
                else
                {
                    states[option] = Q.Yes;
                    Changed?.Invoke(side, option, true);
                }

                break;
        }
    }

    /// <summary>WONT (about the peer) or DONT (about us).</summary>
    private void Negative(TelnetSide side, byte option, Q[] states, bool[] queue, TelnetCommand on, TelnetCommand off)
    {
        switch (states[option])
        {
            case Q.No:
                break;
            case Q.Yes:
                states[option] = Q.No;
                Send(off, option);
                Changed?.Invoke(side, option, false);
                break;
            case Q.WantNo:
                if (queue[option])
                {
                    states[option] = Q.WantYes;
                    queue[option] = false;
                    Send(on, option);
                }
                else
                {
                    states[option] = Q.No;
                }

                Changed?.Invoke(side, option, false);
                break;
            case Q.WantYes:
                states[option] = Q.No;
                queue[option] = false;
                break;
        }
    }
}

/// <summary>Which options each side may perform; everything else is refused (WONT/DONT).</summary>
public sealed class TelnetOptionPolicy
{
    private readonly bool[] _local = new bool[256];
    private readonly bool[] _remote = new bool[256];

    /// <param name="local">Options we agree to perform when asked (DO → WILL).</param>
    /// <param name="remote">Options we agree to let the peer perform (WILL → DO).</param>
    public TelnetOptionPolicy(IEnumerable<TelnetOption> local, IEnumerable<TelnetOption> remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        foreach (var o in local)
        {
            _local[(byte)o] = true;
        }

        foreach (var o in remote)
        {
            _remote[(byte)o] = true;
        }
    }

    public bool Allows(TelnetSide side, byte option) => (side == TelnetSide.Local ? _local : _remote)[option];

    /// <summary>
    /// A client: performs TTYPE, NAWS, NEW-ENVIRON, LINEMODE, SGA; lets the server ECHO, SGA, BINARY.
    /// It does not send BINARY: a line it writes ends in CR LF, which only NVT mode turns into one newline
    /// (inetutils telnetd in binary mode passes CR LF on as two line ends).
    /// </summary>
    public static TelnetOptionPolicy Client { get; } = new(
        [TelnetOption.TerminalType, TelnetOption.WindowSize, TelnetOption.NewEnvironment, TelnetOption.Linemode, TelnetOption.SuppressGoAhead],
        [TelnetOption.Echo, TelnetOption.SuppressGoAhead, TelnetOption.Binary]);

    /// <summary>A server: performs ECHO, SGA, BINARY; lets the client send TTYPE, NAWS, NEW-ENVIRON, BINARY, SGA.</summary>
    public static TelnetOptionPolicy Server { get; } = new(
        [TelnetOption.Echo, TelnetOption.SuppressGoAhead, TelnetOption.Binary],
        [TelnetOption.TerminalType, TelnetOption.WindowSize, TelnetOption.NewEnvironment, TelnetOption.Binary, TelnetOption.SuppressGoAhead]);
}
