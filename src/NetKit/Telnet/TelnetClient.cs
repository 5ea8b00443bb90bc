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
    private Task _pump = Task.CompletedTask;
    private Exception? _failure;
    private bool _closed;

    private TelnetClient(NetConnection connection, TelnetChannelOptions options, Encoding encoding)
    {
        _connection = connection;
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
        var client = new TelnetClient(connection, options.Channel, options.Encoding);
        foreach (var option in options.RequestRemote)
        {
            await client.Channel.RequestAsync(TelnetSide.Remote, option, true, cancellationToken);
        }

        foreach (var option in options.RequestLocal)
        {
            await client.Channel.RequestAsync(TelnetSide.Local, option, true, cancellationToken);
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
                    return best;
                }

                if (_closed)
                {
                    throw new TelnetException(_failure is null
                        ? $"the server closed the connection before {Describe(patterns)} arrived"
                        : $"the connection broke before {Describe(patterns)} arrived: {_failure.Message}", _failure);
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Describe(patterns)} did not arrive within {timeout.TotalSeconds:0.###} s");
            }
        }
    }

    /// <summary>What has arrived and not been read yet, without waiting (telnetlib's read_very_eager).</summary>
    public string ReadAvailable()
    {
        lock (_gate)
        {
            var text = _text.ToString();
            _text.Clear();
            return text;
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
                    var text = _text.ToString();
                    _text.Clear();
                    return text;
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads everything until the server closes (telnetlib's read_all).</summary>
    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        await _pump.WaitAsync(cancellationToken);
        return ReadAvailable();
    }

    public ValueTask WriteAsync(string text, CancellationToken cancellationToken = default) => Channel.WriteTextAsync(text, cancellationToken);

    /// <summary>Sends a line ended by CR LF, as a terminal's Enter does.</summary>
    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default) => Channel.WriteTextAsync(line + "\r\n", cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => Channel.WriteAsync(data, cancellationToken);

    public ValueTask SendCommandAsync(TelnetCommand command, CancellationToken cancellationToken = default) => Channel.SendCommandAsync(command, cancellationToken);

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
                Arrived(chars.AsSpan(0, c), closed: false, failure: null);
            }

            Arrived([], closed: true, failure: null);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Arrived([], closed: true, failure: _stop.IsCancellationRequested ? null : ex);
        }
    }

    private void Arrived(ReadOnlySpan<char> text, bool closed, Exception? failure)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _text.Append(text);
            _closed |= closed;
            _failure ??= failure;
            signal = _arrived;
            _arrived = NewSignal();
        }

        signal.TrySetResult();
    }

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
}

/// <summary>The Telnet connection broke or closed while a script waited on it.</summary>
public sealed class TelnetException(string message, Exception? inner = null) : NetKitException(message, inner);
