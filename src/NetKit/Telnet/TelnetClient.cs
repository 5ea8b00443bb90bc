using System.Text;
using System.Text.RegularExpressions;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Telnet;

/// <summary>What <see cref="TelnetClient.ExpectAsync"/> found: which pattern, its match, and the text up to and including it.</summary>
public sealed record TelnetMatch(int Index, Match Match, string Text);

/// <summary>
/// A Telnet client with telnetlib's reach: read until a string or a pattern
/// (with a timeout), expect one of several patterns, read what has arrived,
/// write lines, and watch or drive option negotiation. A background task reads
/// the connection, so negotiation is answered even while nobody reads.
/// </summary>
public sealed class TelnetClient : IAsyncDisposable
{
    private readonly NetConnection _connection;
    private readonly Decoder _decoder;
    private readonly StringBuilder _text = new();
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _arrived = NewSignal();
    private TaskCompletionSource _room = NewSignal();
    private Task _pump = Task.CompletedTask;
    private Exception? _failure;
    private bool _closed;

    // The buffer holds MaxBufferedText characters: the background reader waits for a reader to take some
    // (TCP back-pressure on the server) instead of growing, and only a wait that cannot progress fails.
    private bool _full;

    private readonly int _maxBufferedText;

    private TelnetClient(NetConnection connection, TelnetChannelOptions options, Encoding encoding, int maxBufferedText)
    {
        _connection = connection;
        _maxBufferedText = maxBufferedText;
        Encoding = encoding;
        _decoder = encoding.GetDecoder();
        Channel = new TelnetChannel(connection, TraceRole.Client, options);
    }

    /// <summary>The protocol engine: options, raw events (<see cref="TelnetChannel.OptionChanged"/>, <see cref="TelnetChannel.SubnegotiationReceived"/>).</summary>
    public TelnetChannel Channel { get; }

    public Encoding Encoding { get; }

    /// <summary>True once the server has closed (what it sent before may still be buffered).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>True when the server echoes what we type (so a terminal should not).</summary>
    public bool ServerEchoes => Channel.IsEnabled(TelnetSide.Remote, TelnetOption.Echo);

    public static async Task<TelnetClient> ConnectAsync(NetEndpoint endpoint, TelnetClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new TelnetClientOptions();
        var connection = await NetConnection.ConnectAsync(endpoint, options.ConnectTimeout, cancellationToken);
        connection.Trace = options.Trace;
        return await StartAsync(connection, options, cancellationToken);
    }

    /// <summary>Runs Telnet over a connection already open (it is disposed with the client).</summary>
    public static async Task<TelnetClient> StartAsync(NetConnection connection, TelnetClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new TelnetClientOptions();
        var client = new TelnetClient(connection, options.Channel, options.Encoding, options.MaxBufferedText);
        try
        {
            foreach (var option in options.RequestRemote)
            {
                await client.Channel.RequestAsync(TelnetSide.Remote, option, true, cancellationToken);
            }

            foreach (var option in options.RequestLocal)
            {
                await client.Channel.RequestAsync(TelnetSide.Local, option, true, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Whatever failed (cancellation too), the connection is ours to close.
            await client.DisposeAsync();
            if (ex is IOException or System.Net.Sockets.SocketException)
            {
                // A server that hangs up at once: our first requests fail to go out. Say so in our own type, not the socket's.
                throw new TelnetException($"cannot negotiate with {connection.Remote}: {ex.Message}", ex);
            }

            throw;
        }

        client._pump = Task.Run(client.PumpAsync, CancellationToken.None);
        return client;
    }

    /// <summary>Reads until <paramref name="expected"/> has arrived; returns the text up to and including it.</summary>
    /// <exception cref="TimeoutException">It did not come within <paramref name="timeout"/>; the text stays buffered.</exception>
    /// <exception cref="TelnetException">The server closed first.</exception>
    public async Task<string> ReadUntilAsync(string expected, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        var match = await ExpectAsync([new Regex(Regex.Escape(expected), RegexOptions.CultureInvariant)], timeout, cancellationToken);
        return match.Text;
    }

    /// <summary>
    /// Waits until one of <paramref name="patterns"/> matches what has arrived (the
    /// earliest match wins; ties go to the first pattern) and takes the text up to its end.
    /// </summary>
    public async Task<TelnetMatch> ExpectAsync(IReadOnlyList<Regex> patterns, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var text = _text.ToString();
                TelnetMatch? best = null;
                for (var i = 0; i < patterns.Count; i++)
                {
                    var m = patterns[i].Match(text);
                    if (m.Success && (best is null || m.Index < best.Match.Index))
                    {
                        best = new TelnetMatch(i, m, text[..(m.Index + m.Length)]);
                    }
                }

                if (best is not null)
                {
                    _text.Remove(0, best.Text.Length);
                    MadeRoom();
                    return best;
                }

                if (_full)
                {
                    // Nothing more can come in until someone reads, and nothing that is here matches.
                    throw Overflow(Describe(patterns));
                }

                if (_closed)
                {
                    throw new TelnetException(_failure is null
                        ? $"{_connection.Remote} closed the connection before {Describe(patterns)} arrived"
                        : $"the connection to {_connection.Remote} broke before {Describe(patterns)} arrived: {_failure.Message}", _failure);
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Describe(patterns)} did not arrive from {_connection.Remote} within {timeout.TotalSeconds:0.###} s");
            }
        }
    }

    /// <summary>What has arrived and not been read yet, without waiting (telnetlib's read_very_eager).</summary>
    public string ReadAvailable()
    {
        lock (_gate)
        {
            return TakeAll();
        }
    }

    /// <summary>Waits for some text (at least one character); empty once the server has closed and everything was read.</summary>
    public async Task<string> ReadSomeAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_text.Length > 0 || _closed)
                {
                    return TakeAll();
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads everything until the server closes (telnetlib's read_all).</summary>
    /// <exception cref="TelnetException">More than <see cref="TelnetClientOptions.MaxBufferedText"/> came before the close.</exception>
    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_closed)
                {
                    return TakeAll();
                }

                // Returning what was kept would pass a truncated answer off as all of it.
                if (_full)
                {
                    throw Overflow("the end of the stream");
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellationToken);
        }
    }

    public ValueTask WriteAsync(string text, CancellationToken cancellationToken = default) => SendAsync(Channel.WriteTextAsync(text, cancellationToken));

    /// <summary>Sends a line ended by CR LF, as a terminal's Enter does.</summary>
    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default) => SendAsync(Channel.WriteTextAsync(line + "\r\n", cancellationToken));

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => SendAsync(Channel.WriteAsync(data, cancellationToken));

    public ValueTask SendCommandAsync(TelnetCommand command, CancellationToken cancellationToken = default) => SendAsync(Channel.SendCommandAsync(command, cancellationToken));

    /// <summary>A write to a server that has gone is a <see cref="TelnetException"/> naming it, not the socket's own exception.</summary>
    private async ValueTask SendAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            throw new TelnetException($"cannot send to {_connection.Remote}: {ex.Message}", ex);
        }
    }

    /// <summary>Tells the server we will send no more; reading goes on until it closes.</summary>
    public void ShutdownSend() => _connection.ShutdownSend();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _connection.Abort();
        try
        {
            await _pump;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        var bytes = new byte[4096];
        var chars = new char[Encoding.GetMaxCharCount(bytes.Length)];
        try
        {
            int n;
            while ((n = await Channel.ReadAsync(bytes, _stop.Token)) > 0)
            {
                var c = _decoder.GetChars(bytes, 0, n, chars, 0, flush: false);
                await KeepAsync(chars.AsMemory(0, c));
            }

            Arrived(closed: true, failure: null);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Arrived(closed: true, failure: _stop.IsCancellationRequested ? null : ex);
        }
    }

    /// <summary>
    /// Buffers what came, up to <see cref="TelnetClientOptions.MaxBufferedText"/>; past it, waits until a
    /// reader takes some. Meanwhile the socket is not read, so a fast server is slowed by TCP, not cut off.
    /// </summary>
    private async Task KeepAsync(ReadOnlyMemory<char> text)
    {
        while (true)
        {
            TaskCompletionSource arrived;
            Task room;
            lock (_gate)
            {
                var fits = Math.Min(text.Length, _maxBufferedText - _text.Length);
                _text.Append(text.Span[..fits]);
                text = text[fits..];
                _full = _text.Length >= _maxBufferedText;
                arrived = _arrived;
                _arrived = NewSignal();
                room = _room.Task;
            }

            arrived.TrySetResult();
            if (text.IsEmpty)
            {
                return;
            }

            await room.WaitAsync(_stop.Token);
        }
    }

    /// <summary>Records the end of the stream (and why, if it broke) and wakes the readers.</summary>
    private void Arrived(bool closed, Exception? failure)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _closed |= closed;
            _failure ??= failure;
            signal = _arrived;
            _arrived = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Takes the whole buffer (the caller holds the gate).</summary>
    private string TakeAll()
    {
        var text = _text.ToString();
        _text.Clear();
        MadeRoom();
        return text;
    }

    /// <summary>Text was taken: a reader waiting for room may go on (the caller holds the gate).</summary>
    private void MadeRoom()
    {
        if (_full && _text.Length < _maxBufferedText)
        {
            _full = false;
            // Continuations run asynchronously (NewSignal), so completing under the gate wakes nobody inline.
            _room.TrySetResult();
            _room = NewSignal();
        }
    }

    private TelnetException Overflow(string waitingFor) => new(
        $"{_connection.Remote} sent {_maxBufferedText} characters that were not read without {waitingFor} among them " +
        "(TelnetClientOptions.MaxBufferedText); take them with ReadAvailable or raise the limit");

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Describe(IReadOnlyList<Regex> patterns) =>
        patterns.Count == 1 ? $"\"{patterns[0]}\"" : "none of " + string.Join(", ", patterns.Select(p => $"\"{p}\""));
}

/// <summary>How a <see cref="TelnetClient"/> connects and what it tells the server.</summary>
public sealed record TelnetClientOptions
{
    public TimeSpan ConnectTimeout { get; init; } = NetConnection.DefaultConnectTimeout;

    /// <summary>How the server's bytes become text. Default UTF-8 (ASCII is a part of it).</summary>
    public Encoding Encoding { get; init; } = new UTF8Encoding(false);

    /// <summary>Terminal type, window size, environment, option policy, subnegotiation limit.</summary>
    public TelnetChannelOptions Channel { get; init; } = new();

    /// <summary>Options we ask the server to perform at once (e.g. ECHO and SGA for character mode).</summary>
    public IReadOnlyList<TelnetOption> RequestRemote { get; init; } = [];

    /// <summary>Options we offer at once (e.g. NAWS, TTYPE).</summary>
    public IReadOnlyList<TelnetOption> RequestLocal { get; init; } = [];

    public WireTrace? Trace { get; init; }

    /// <summary>
    /// The most text held that has arrived and not been read (ReadUntil, Expect, ReadSome, ReadAvailable take it).
    /// When it is full the client stops reading the socket until some is taken (TCP slows the server), so a
    /// slow consumer loses nothing; ExpectAsync/ReadUntilAsync/ReadToEndAsync, which cannot progress then
    /// (a line without end, a flood), fail with a <see cref="TelnetException"/>. Default 16 Mi characters.
    /// </summary>
    public int MaxBufferedText
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 16 * 1024 * 1024;
}

/// <summary>The Telnet connection broke or closed while a script waited on it.</summary>
public sealed class TelnetException(string message, Exception? inner = null) : NetKitException(message, inner);
