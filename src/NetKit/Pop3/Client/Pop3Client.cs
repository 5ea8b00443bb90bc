using System.Buffers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Pop3.Client;

/// <summary>
/// A POP3 client with the reach of Python's poplib, async: connect (plain, STLS,
/// implicit TLS), log in (SASL choosing the strongest, USER/PASS, APOP), STAT, LIST,
/// RETR (bytes or a MimeKit message), TOP, UIDL, DELE, RSET, NOOP, QUIT, and batches
/// pipelined when the server offers PIPELINING. Two kinds of failure:
/// <see cref="Pop3CommandException"/> (the server said -ERR; go on) and
/// <see cref="Pop3ProtocolException"/> (the connection is broken and closed).
/// This file: connecting and the wire; the other parts log in and read the maildrop.
/// </summary>
public sealed partial class Pop3Client : IAsyncDisposable
{
    private readonly NetConnection _connection;
    private readonly LineReader _reader;
    private readonly LineWriter _writer;
    private readonly Pop3ClientOptions _options;
    private readonly string _host;
    private bool _broken;

    private Pop3Client(NetConnection connection, string host, Pop3ClientOptions options)
    {
        _connection = connection;
        _host = host;
        _options = options;
        _reader = new LineReader(connection, options.MaxLineLength);
        _writer = new LineWriter(connection);
        if (options.Trace is { } trace)
        {
            trace.Redact = Pop3TraceRedaction.Redact;
            connection.Trace = trace;
        }
    }

    /// <summary>The server's greeting text (after +OK).</summary>
    public string Greeting { get; private set; } = string.Empty;

    /// <summary>The APOP timestamp in the greeting (RFC 1939 section 7), or null when the server offers no APOP.</summary>
    public string? ApopTimestamp { get; private set; }

    /// <summary>What the last CAPA said; <see cref="Pop3Capabilities.None"/> before CAPA or when the server does not know it.</summary>
    public Pop3Capabilities Capabilities { get; private set; } = Pop3Capabilities.None;

    public bool IsTls => _connection.IsTls;

    /// <summary>True once logged in (the TRANSACTION state).</summary>
    public bool IsAuthenticated { get; private set; }

    /// <summary>Connects to <c>HOST[:PORT]</c> (port 1110 when none is given, `netkit serve pop3`'s).</summary>
    public static Task<Pop3Client> ConnectAsync(string server, Pop3TlsMode tls = Pop3TlsMode.None, Pop3ClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var endpoint = NetEndpoint.Parse(server, SocketTransport.Tcp, defaultPort: Server.Pop3Server.DefaultPort);
        return ConnectAsync(endpoint, tls, options, cancellationToken);
    }

    /// <summary>Connects, reads the greeting, and with <see cref="Pop3TlsMode.StartTls"/> upgrades before returning.</summary>
    public static async Task<Pop3Client> ConnectAsync(NetEndpoint endpoint, Pop3TlsMode tls = Pop3TlsMode.None, Pop3ClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new Pop3ClientOptions();
        var connection = await NetConnection.ConnectAsync(endpoint, options.ConnectTimeout, cancellationToken);
        var client = new Pop3Client(connection, options.TlsTargetHost ?? endpoint.Host ?? "localhost", options);
        try
        {
            if (tls == Pop3TlsMode.Implicit)
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                handshake.CancelAfter(options.ConnectTimeout);
                await connection.UpgradeToClientTlsAsync(client._host, options.AcceptAnyCertificate, handshake.Token);
            }

            await client.ReadGreetingAsync(cancellationToken);
            if (tls == Pop3TlsMode.StartTls)
            {
                await client.StartTlsAsync(cancellationToken);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private Task ReadGreetingAsync(CancellationToken cancellationToken) => RunAsync(async ct =>
    {
        var line = await ReadLineAsync(ct);
        if (!Pop3Response.TryParse(line, out var greeting))
        {
            throw new Pop3ProtocolException($"not a POP3 server: it greeted with \"{Shorten(line)}\"");
        }

        if (!greeting.IsOk)
        {
            throw new Pop3ProtocolException($"the POP3 server refused the connection: {greeting}");
        }

        Greeting = greeting.Text;
        ApopTimestamp = ApopTimestampPattern().Match(greeting.Text) is { Success: true } m ? m.Value : null;
        return 0;
    }, cancellationToken);

    /// <summary>CAPA (RFC 2449). A server that does not know it (-ERR) has no capabilities: <see cref="Pop3Capabilities.None"/>.</summary>
    public Task<Pop3Capabilities> CapaAsync(CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        await SendAsync("CAPA", ct);
        var response = await ReadResponseAsync(ct);
        Capabilities = response.IsOk ? new Pop3Capabilities(await ReadLinesAsync(ct)) : Pop3Capabilities.None;
        return Capabilities;
    }, cancellationToken);

    /// <summary>STLS (RFC 2595): TLS from here on; the capabilities are asked for again, as RFC 2595 section 4 says they may change.</summary>
    public Task StartTlsAsync(CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        if (_connection.IsTls)
        {
            throw new InvalidOperationException("the connection already uses TLS");
        }

        await CommandAsync("STLS", ct);
        if (_reader.Buffered > 0)
        {
            // The server sent more than its +OK in plaintext: someone in the middle.
            throw new Pop3ProtocolException("the server sent data after its STLS answer, before TLS; refusing to go on");
        }

        await _connection.UpgradeToClientTlsAsync(_host, _options.AcceptAnyCertificate, ct);
        Capabilities = Pop3Capabilities.None;
        await CapaAsync(ct);
        return 0;
    }, cancellationToken);

    /// <summary>QUIT: in TRANSACTION the server now deletes the messages marked with DELE. The connection is closed after.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RunAsync(ct => CommandAsync("QUIT", ct), cancellationToken);
        }
        finally
        {
            _broken = true;
            await _connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        _reader.Dispose();
        await _connection.DisposeAsync();
    }

    // ---- the wire ----

    /// <summary>
    /// Runs one exchange with the command timeout. A -ERR passes as it is; anything else
    /// that goes wrong breaks the connection and becomes a <see cref="Pop3ProtocolException"/>.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> exchange, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_broken, this);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.CommandTimeout);
        try
        {
            return await exchange(deadline.Token);
        }
        catch (Pop3CommandException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not (InvalidOperationException or ArgumentException))
        {
            _broken = true;
            _connection.Abort();
            throw ex switch
            {
                OperationCanceledException when cancellationToken.IsCancellationRequested => ex,
                OperationCanceledException => new Pop3ProtocolException($"the POP3 server {_connection.Remote} did not answer within {_options.CommandTimeout.TotalSeconds:0.#} s", ex),
                Pop3ProtocolException => ex,
                IOException or SocketException or ObjectDisposedException => new Pop3ProtocolException($"the connection to the POP3 server {_connection.Remote} broke: {ex.Message}", ex),
                NetKitException => new Pop3ProtocolException(ex.Message, ex),
                _ => ex,
            };
        }
    }

    private async ValueTask SendAsync(string line, CancellationToken ct, bool secret = false) =>
        await _writer.WriteLineAsync(line, ct, secret);

    /// <summary>Sends several lines in one write (a pipelined batch).</summary>
    private async ValueTask SendBatchAsync(IEnumerable<string> lines, CancellationToken ct)
    {
        var batch = new ArrayBufferWriter<byte>();
        foreach (var line in lines)
        {
            _connection.Trace?.Sent(line);
            var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\r\n");
            batch.Write(bytes);
        }

        await _connection.WriteAsync(batch.WrittenMemory, ct);
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken ct)
    {
        var line = await _reader.ReadLineAsync(ct);
        return line.Status switch
        {
            LineStatus.EndOfStream => throw new Pop3ProtocolException($"the POP3 server {_connection.Remote} closed the connection"),
            LineStatus.TooLong => throw new Pop3ProtocolException($"the POP3 server sent a line longer than {_reader.MaxLineLength} bytes"),
            _ => line.Text,
        };
    }

    /// <summary>Reads a status line; -ERR is returned, not thrown (the caller decides).</summary>
    private async ValueTask<Pop3Response> ReadResponseAsync(CancellationToken ct)
    {
        var line = await ReadLineAsync(ct);
        return Pop3Response.TryParse(line, out var response)
            ? response
            : throw new Pop3ProtocolException($"the POP3 server answered with neither +OK nor -ERR: \"{Shorten(line)}\"");
    }

    /// <summary>Sends a command and reads its status line; -ERR throws <see cref="Pop3CommandException"/>.</summary>
    private async Task<Pop3Response> CommandAsync(string line, CancellationToken ct, bool secret = false)
    {
        await SendAsync(line, ct, secret);
        return Expect(await ReadResponseAsync(ct), line);
    }

    /// <summary>The response when it is +OK; -ERR throws, naming the command without its secret arguments.</summary>
    private static Pop3Response Expect(Pop3Response response, string command) =>
        response.IsOk ? response : throw new Pop3CommandException(Pop3TraceRedaction.Redact(command), response);

    private async Task<IReadOnlyList<string>> ReadLinesAsync(CancellationToken ct) =>
        await Pop3MultilineReader.ReadLinesAsync(_reader, _options.MaxResponseSize, ct);

    private async Task<byte[]> ReadBodyAsync(CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>();
        await Pop3MultilineReader.ReadAsync(_reader, body, _options.MaxResponseSize, ct);
        return body.WrittenSpan.ToArray();
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    [GeneratedRegex("<[^<>@\\s]*@[^<>\\s]*>")]
    private static partial Regex ApopTimestampPattern();
}
