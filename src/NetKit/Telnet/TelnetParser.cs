namespace NetKit.Telnet;

/// <summary>What the parser found in the byte stream, in order.</summary>
public interface ITelnetParserSink
{
    /// <summary>Plain data, IAC IAC already undone and (outside BINARY) CR NUL already CR.</summary>
    void OnData(ReadOnlySpan<byte> data);

    /// <summary>A two-byte command: NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, or an unknown one.</summary>
    void OnCommand(byte command);

    /// <summary>WILL, WONT, DO or DONT and its option.</summary>
    void OnNegotiation(TelnetCommand verb, byte option);

    /// <summary>A whole subnegotiation (IAC SB option ... IAC SE), IAC IAC undone.</summary>
    void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload);

    /// <summary>A subnegotiation that was longer than the limit (dropped) or cut off by another command.</summary>
    void OnSubnegotiationDropped(byte option, string reason);
}

/// <summary>
/// RFC 854/855 as a streaming state machine: bytes go in in pieces of any size
/// (one byte, a whole buffer) and the same events come out, so a command split
/// across two reads is never lost or mistaken for data. Holds no socket.
/// </summary>
public sealed class TelnetParser
{
    /// <summary>The longest subnegotiation payload kept unless told otherwise.</summary>
    public const int DefaultMaxSubnegotiation = 1024;

    private enum State
    {
        Data,
        /// <summary>After a CR in data: a NUL next is eaten (NVT CR NUL means a bare CR).</summary>
        DataCr,
        Iac,
        Negotiation,
        SubOption,
        Sub,
        SubIac,
    }

    private readonly byte[] _sub;
    private State _state = State.Data;
    private TelnetCommand _verb;
    private byte _subOption;
    private int _subLength;
    private bool _subOverflow;

    public TelnetParser(int maxSubnegotiation = DefaultMaxSubnegotiation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSubnegotiation);
        _sub = new byte[maxSubnegotiation];
    }

    /// <summary>
    /// True while the peer sends BINARY: CR NUL is then two bytes of data.
    /// Set it when the option changes; it applies from the next byte.
    /// </summary>
    public bool BinaryInput { get; set; }

    /// <summary>True while the parser is inside a command or subnegotiation (a read cut it in two).</summary>
    public bool InCommand => _state is not (State.Data or State.DataCr);

    public void Parse(ReadOnlySpan<byte> input, ITelnetParserSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var runStart = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Data:
                case State.DataCr:
                    if (b == (byte)TelnetCommand.IAC)
                    {
                        Flush(input, runStart, i, sink);
                        _state = State.Iac;
                    }
                    else if (b == 0 && _state == State.DataCr && !BinaryInput)
                    {
                        // CR NUL: the NUL only says "this CR stands alone"; it is not data.
                        Flush(input, runStart, i, sink);
                        runStart = i + 1;
                        _state = State.Data;
                    }
                    else
                    {
                        _state = b == '\r' ? State.DataCr : State.Data;
                    }

                    break;

                case State.Iac:
                    runStart = i + 1;
                    Command(b, sink);
                    break;

                case State.Negotiation:
                    runStart = i + 1;
                    _state = State.Data;
                    sink.OnNegotiation(_verb, b);
                    break;

                case State.SubOption:
                    runStart = i + 1;
                    _subOption = b;
                    _subLength = 0;
                    _subOverflow = false;
                    _state = State.Sub;
                    break;

                case State.Sub:
                    runStart = i + 1;
                    if (b == (byte)TelnetCommand.IAC)
                    {
                        _state = State.SubIac;
                    }
                    else
                    {
                        Keep(b);
                    }

                    break;

                case State.SubIac:
                    runStart = i + 1;
                    if (b == (byte)TelnetCommand.IAC)
                    {
                        Keep(b);
                        _state = State.Sub;
                    }
                    else if (b == (byte)TelnetCommand.SE)
                    {
                        _state = State.Data;
                        if (_subOverflow)
                        {
                            sink.OnSubnegotiationDropped(_subOption, $"longer than {_sub.Length} bytes");
                        }
                        else
                        {
                            sink.OnSubnegotiation(_subOption, _sub.AsSpan(0, _subLength));
                        }
                    }
                    else
                    {
                        // IAC and a command inside SB: the peer never closed the
                        // subnegotiation. Drop it and take the command as a command,
                        // so a missing SE cannot swallow the rest of the session's commands.
                        sink.OnSubnegotiationDropped(_subOption, "no IAC SE before the next command");
                        Command(b, sink);
                    }

                    break;
            }
        }

        if (_state is State.Data or State.DataCr)
        {
            Flush(input, runStart, input.Length, sink);
        }
    }

    /// <summary>Forgets a command cut off by the end of the stream.</summary>
    public void Reset() => _state = State.Data;

    private void Command(byte b, ITelnetParserSink sink)
    {
        switch ((TelnetCommand)b)
        {
            case TelnetCommand.IAC:
                // IAC IAC: one data byte 255.
                _state = State.Data;
                sink.OnData([b]);
                break;
            case TelnetCommand.WILL or TelnetCommand.WONT or TelnetCommand.DO or TelnetCommand.DONT:
                _verb = (TelnetCommand)b;
                _state = State.Negotiation;
                break;
            case TelnetCommand.SB:
                _state = State.SubOption;
                break;
            case TelnetCommand.SE:
                // An SE outside a subnegotiation means nothing: ignore it.
                _state = State.Data;
                break;
            default:
                _state = State.Data;
                sink.OnCommand(b);
                break;
        }
    }

    private void Keep(byte b)
    {
        if (_subLength < _sub.Length)
        {
            _sub[_subLength++] = b;
        }
        else
        {
            _subOverflow = true;
        }
    }

    private static void Flush(ReadOnlySpan<byte> input, int start, int end, ITelnetParserSink sink)
    {
        if (end > start)
        {
            sink.OnData(input[start..end]);
        }
    }
}
