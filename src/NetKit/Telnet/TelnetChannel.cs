using System.Buffers;
using System.Text;
using NetKit.Transport;

namespace NetKit.Telnet;

/// <summary>
/// One Telnet connection, client or server side: reads bytes off the
/// connection, hands data to the caller and answers negotiation on its own
/// (Q method), handles TTYPE, NAWS, NEW-ENVIRON and LINEMODE MODE, and escapes
/// what the caller writes. Reads come from one caller at a time; writes may
/// come from any task (they are serialized).
/// </summary>
public sealed class TelnetChannel : ITelnetParserSink
{
    private readonly NetConnection _connection;
    private readonly TelnetParser _parser;
    private readonly TelnetChannelOptions _options;
    private readonly byte[] _readBuffer = new byte[4096];
    private readonly ArrayBufferWriter<byte> _data = new();
    private readonly ArrayBufferWriter<byte> _replies = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _repliesGate = new();
    private int _dataRead;
    private (int Width, int Height)? _ourWindow;

    public TelnetChannel(NetConnection connection, TraceRole role, TelnetChannelOptions? options = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _options = options ?? new TelnetChannelOptions();
        Role = role;
        _parser = new TelnetParser(_options.MaxSubnegotiation);
        Negotiator = new TelnetNegotiator(_options.Policy ?? (role == TraceRole.Client ? TelnetOptionPolicy.Client : TelnetOptionPolicy.Server), QueueNegotiation);
        Negotiator.Changed += OnOptionChanged;
        _ourWindow = _options.WindowSize;
    }

    public TraceRole Role { get; }

    public TelnetNegotiator Negotiator { get; }

    public NetConnection Connection => _connection;

    private WireTrace? Trace => _connection.Trace;

    /// <summary>The peer's terminal type (TTYPE IS), once it has said.</summary>
    public string? PeerTerminalType { get; private set; }

    /// <summary>The peer's window size (NAWS), once it has said.</summary>
    public (int Width, int Height)? PeerWindowSize { get; private set; }

    /// <summary>The peer's variables (NEW-ENVIRON IS/INFO).</summary>
    public IReadOnlyDictionary<string, string> PeerEnvironment { get; private set; } = new Dictionary<string, string>();

    /// <summary>The LINEMODE MODE the server set (client side), 0 when none.</summary>
    public byte LinemodeMode { get; private set; }

    /// <summary>Subnegotiations dropped so far (too long, or cut off).</summary>
    public int DroppedSubnegotiations { get; private set; }

    /// <summary>An option came on or off: side, option, enabled. Runs on the reading task.</summary>
    public event Action<TelnetSide, byte, bool>? OptionChanged;

    /// <summary>Every subnegotiation, handled here or not: option and payload. Runs on the reading task.</summary>
    public event Action<byte, ReadOnlyMemory<byte>>? SubnegotiationReceived;

    /// <summary>A command (AYT, IP, EC, EL, BRK, AO, NOP, GA, DM). Runs on the reading task.</summary>
    public event Action<byte>? CommandReceived;

    public bool IsEnabled(TelnetSide side, TelnetOption option) => Negotiator.IsEnabled(side, option);

    /// <summary>
    /// Reads data (at least one byte, or 0 when the peer has closed), answering
    /// whatever negotiation arrives on the way.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (_data.WrittenCount == _dataRead)
        {
            _data.ResetWrittenCount();
            _dataRead = 0;
            // Stream.ReadAsync, not the connection's: a fragment is not traffic for the server's
            // idle timeout; the terminal marks it per whole line (a trickling client is dropped).
            var n = await _connection.Stream.ReadAsync(_readBuffer, cancellationToken);
            if (n == 0)
            {
                _parser.Reset();
                return 0;
            }

            _parser.Parse(_readBuffer.AsSpan(0, n), this);
            if (_data.WrittenCount > 0)
            {
                Trace?.Received(_data.WrittenSpan);
            }

            await FlushRepliesAsync(cancellationToken);
        }

        var count = Math.Min(destination.Length, _data.WrittenCount - _dataRead);
        _data.WrittenMemory.Slice(_dataRead, count).CopyTo(destination);
        _dataRead += count;
        return count;
    }

    /// <summary>Sends data as it is, with IAC doubled.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Trace?.Sent(data.Span);
        await SendAsync(Escape(data.Span), cancellationToken);
    }

    /// <summary>Sends text as an NVT does: UTF-8, "\n" as CR LF, a lone "\r" as CR NUL (outside BINARY), IAC doubled.</summary>
    public ValueTask WriteTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var binary = Negotiator.IsEnabled(TelnetSide.Local, TelnetOption.Binary);
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' && (i == 0 || text[i - 1] != '\r'))
            {
                sb.Append("\r\n");
            }
            else if (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n') && !binary)
            {
                sb.Append("\r\0");
            }
            else
            {
                sb.Append(c);
            }
        }

        return WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), cancellationToken);
    }

    /// <summary>Sends IAC and a command (AYT, IP, BRK, GA, NOP ...).</summary>
    public async ValueTask SendCommandAsync(TelnetCommand command, CancellationToken cancellationToken = default)
    {
        Trace?.Sent($"IAC {command}");
        await SendAsync(new[] { (byte)TelnetCommand.IAC, (byte)command }, cancellationToken);
    }

    /// <summary>Asks to turn an option on or off (Q method: a request in flight is never repeated).</summary>
    public async ValueTask RequestAsync(TelnetSide side, TelnetOption option, bool enable, CancellationToken cancellationToken = default)
    {
        lock (_repliesGate)
        {
            Negotiator.Request(side, (byte)option, enable);
        }

        await FlushRepliesAsync(cancellationToken);
    }

    /// <summary>Sends IAC SB option payload IAC SE, with IAC in the payload doubled.</summary>
    public async ValueTask SendSubnegotiationAsync(byte option, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        lock (_repliesGate)
        {
            QueueSubnegotiation(option, payload.Span);
        }

        await FlushRepliesAsync(cancellationToken);
    }

    /// <summary>Tells the peer our new window size (when NAWS is on; else it is kept for when it comes on).</summary>
    public async ValueTask SetWindowSizeAsync(int width, int height, CancellationToken cancellationToken = default)
    {
        _ourWindow = (width, height);
        if (Negotiator.IsEnabled(TelnetSide.Local, TelnetOption.WindowSize))
        {
            await SendSubnegotiationAsync((byte)TelnetOption.WindowSize, TelnetSubnegotiations.WindowSize(width, height), cancellationToken);
        }
    }

    void ITelnetParserSink.OnData(ReadOnlySpan<byte> data) => _data.Write(data);

    void ITelnetParserSink.OnCommand(byte command)
    {
        Trace?.Received($"IAC {TelnetNames.Command(command)}");
        if (_options.EditingCommandsAsData)
        {
            // In line with the data, so "abc IAC EC" erases the c and not some other byte.
            switch ((TelnetCommand)command)
            {
                case TelnetCommand.EC:
                    _data.Write([(byte)0x7f]);
                    break;
                case TelnetCommand.EL:
                    _data.Write([(byte)0x15]);
                    break;
                case TelnetCommand.IP:
                    _data.Write([(byte)0x03]);
                    break;
            }
        }

        if (command == (byte)TelnetCommand.AYT && _options.AreYouThereReply is { } yes)
        {
            lock (_repliesGate)
            {
                Trace?.Sent(yes);
                _replies.Write(Escape(Encoding.UTF8.GetBytes(yes)));
            }
        }

        CommandReceived?.Invoke(command);
    }

    void ITelnetParserSink.OnNegotiation(TelnetCommand verb, byte option)
    {
        Trace?.Received($"IAC {verb} {TelnetNames.Option(option)}");
        lock (_repliesGate)
        {
            Negotiator.Receive(verb, option);
        }
    }

    void ITelnetParserSink.OnSubnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        Trace?.Received($"IAC SB {TelnetNames.Option(option)} {Show(option, payload)} IAC SE");
        lock (_repliesGate)
        {
            HandleSubnegotiation(option, payload);
        }

        SubnegotiationReceived?.Invoke(option, payload.ToArray());
    }

    void ITelnetParserSink.OnSubnegotiationDropped(byte option, string reason)
    {
        DroppedSubnegotiations++;
        Trace?.Note($"subnegotiation {TelnetNames.Option(option)} dropped: {reason}");
    }

    private void HandleSubnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        var us = (TelnetSide side) => Negotiator.IsEnabled(side, option);
        switch ((TelnetOption)option)
        {
            case TelnetOption.TerminalType when payload.Length == 1 && payload[0] == TelnetSubnegotiations.Send && us(TelnetSide.Local):
                QueueSubnegotiation(option, TelnetSubnegotiations.TerminalTypeIs(_options.TerminalType ?? "UNKNOWN"));
                break;
            case TelnetOption.TerminalType when us(TelnetSide.Remote):
                PeerTerminalType = TelnetSubnegotiations.ParseTerminalTypeIs(payload) ?? PeerTerminalType;
                break;
            case TelnetOption.WindowSize when us(TelnetSide.Remote):
                PeerWindowSize = TelnetSubnegotiations.ParseWindowSize(payload) ?? PeerWindowSize;
                break;
            case TelnetOption.NewEnvironment when payload.Length >= 1 && payload[0] == TelnetSubnegotiations.Send && us(TelnetSide.Local):
                QueueSubnegotiation(option, TelnetSubnegotiations.EnvironmentIs(_options.Environment));
                break;
            case TelnetOption.NewEnvironment when us(TelnetSide.Remote):
                if (TelnetSubnegotiations.ParseEnvironment(payload) is { } variables)
                {
                    var merged = new Dictionary<string, string>(PeerEnvironment, StringComparer.Ordinal);
                    foreach (var (k, v) in variables)
                    {
                        merged[k] = v;
                    }

                    PeerEnvironment = merged;
                }

                break;
            case TelnetOption.Linemode when us(TelnetSide.Local):
                Linemode(payload);
                break;
            default:
                break; // Not ours to answer: the raw event has it.
        }
    }

    /// <summary>LINEMODE (RFC 1184), client side: acknowledge MODE, refuse FORWARDMASK, leave SLC to the defaults.</summary>
    private void Linemode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 2 && payload[0] == TelnetSubnegotiations.LinemodeMode)
        {
            var mode = payload[1];
            if ((mode & TelnetSubnegotiations.ModeAck) == 0 && (mode & ~0x1f) == 0)
            {
                LinemodeMode = (byte)(mode & (TelnetSubnegotiations.ModeEdit | TelnetSubnegotiations.ModeTrapSig));
                QueueSubnegotiation((byte)TelnetOption.Linemode, [TelnetSubnegotiations.LinemodeMode, (byte)(LinemodeMode | TelnetSubnegotiations.ModeAck)]);
            }
        }
        else if (payload.Length == 2 && payload[0] == (byte)TelnetCommand.DO && payload[1] == TelnetSubnegotiations.LinemodeForwardMask)
        {
            QueueSubnegotiation((byte)TelnetOption.Linemode, [(byte)TelnetCommand.WONT, TelnetSubnegotiations.LinemodeForwardMask]);
        }
    }

    private void OnOptionChanged(TelnetSide side, byte option, bool enabled)
    {
        Trace?.Note($"{(side == TelnetSide.Local ? "we" : "peer")} {(enabled ? "now" : "no longer")} {(side == TelnetSide.Local ? "do" : "does")} {TelnetNames.Option(option)}");
        if (enabled)
        {
            switch ((TelnetOption)option, side)
            {
                case (TelnetOption.TerminalType, TelnetSide.Remote):
                case (TelnetOption.NewEnvironment, TelnetSide.Remote):
                    QueueSubnegotiation(option, [TelnetSubnegotiations.Send]);
                    break;
                case (TelnetOption.WindowSize, TelnetSide.Local) when _ourWindow is var (w, h):
                    QueueSubnegotiation(option, TelnetSubnegotiations.WindowSize(w, h));
                    break;
            }
        }

        if ((TelnetOption)option == TelnetOption.Binary && side == TelnetSide.Remote)
        {
            _parser.BinaryInput = enabled;
        }

        OptionChanged?.Invoke(side, option, enabled);
    }

    private void QueueNegotiation(TelnetCommand verb, byte option)
    {
        Trace?.Sent($"IAC {verb} {TelnetNames.Option(option)}");
        _replies.Write([(byte)TelnetCommand.IAC, (byte)verb, option]);
    }

    private void QueueSubnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        Trace?.Sent($"IAC SB {TelnetNames.Option(option)} {Show(option, payload)} IAC SE");
        _replies.Write([(byte)TelnetCommand.IAC, (byte)TelnetCommand.SB, option]);
        _replies.Write(Escape(payload));
        _replies.Write([(byte)TelnetCommand.IAC, (byte)TelnetCommand.SE]);
    }

    private async ValueTask FlushRepliesAsync(CancellationToken cancellationToken)
    {
        byte[] pending;
        lock (_repliesGate)
        {
            if (_replies.WrittenCount == 0)
            {
                return;
            }

            pending = _replies.WrittenSpan.ToArray();
            _replies.ResetWrittenCount();
        }

        await SendAsync(pending, cancellationToken);
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // Not the connection's WriteAsync: echoes and negotiation answers to a client that
            // trickles bytes must not keep it alive either.
            await _connection.Stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Doubles every IAC (data byte 255).</summary>
    public static byte[] Escape(ReadOnlySpan<byte> data)
    {
        var count = data.Count((byte)TelnetCommand.IAC);
        if (count == 0)
        {
            return data.ToArray();
        }

        var result = new byte[data.Length + count];
        var j = 0;
        foreach (var b in data)
        {
            result[j++] = b;
            if (b == (byte)TelnetCommand.IAC)
            {
                result[j++] = b;
            }
        }

        return result;
    }

    private static string Show(byte option, ReadOnlySpan<byte> payload) => (TelnetOption)option switch
    {
        TelnetOption.TerminalType when payload.Length > 1 && payload[0] == TelnetSubnegotiations.Is =>
            "IS " + Encoding.ASCII.GetString(payload[1..]),
        TelnetOption.WindowSize when TelnetSubnegotiations.ParseWindowSize(payload) is var (w, h) => $"{w} {h}",
        _ => Convert.ToHexString(payload.Length > 64 ? payload[..64] : payload),
    };
}
