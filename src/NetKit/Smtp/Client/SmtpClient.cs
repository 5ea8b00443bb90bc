using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Smtp;

/// <summary>
/// An SMTP client (RFC 5321) in the shape of MailKit's, async only: connect
/// (plain, STARTTLS or implicit TLS), EHLO with HELO fallback, AUTH, and send
/// messages with PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE and DSN where
/// the server offers them. One operation at a time.
/// </summary>
/// <remarks>
/// Two kinds of failure, as MailKit has: <see cref="SmtpCommandException"/>
/// (the server said no; the connection stays usable, any half-done transaction
/// has been reset) and everything else (<see cref="SmtpProtocolException"/>,
/// <see cref="SmtpTimeoutException"/>, a cancellation): the connection is
/// closed, because its state is no longer known.
/// </remarks>
public sealed partial class SmtpClient : IAsyncDisposable
{
    private const int MaxReplyLineLength = 8192;
    private const int KeepBufferBytes = 1024 * 1024;
    private static readonly TimeSpan QuitOnDisposeTimeout = TimeSpan.FromSeconds(5);

    private ArrayBufferWriter<byte> _output = new(4096);
    private NetConnection? _connection;
    private LineReader? _reader;
    private WireTrace? _trace;
    private string _host = "localhost";
    private int _busy;

    public SmtpClient(SmtpClientOptions? options = null)
    {
        Options = options ?? new SmtpClientOptions();
        if (Options.ClientName is { } name)
        {
            SmtpClientName.Check(name);
        }
    }

    public SmtpClientOptions Options { get; }

    public bool IsConnected => _connection is not null;

    /// <summary>True once the connection uses TLS (implicit, or after STARTTLS).</summary>
    public bool IsSecure => _connection?.IsTls == true;

    public bool IsAuthenticated { get; private set; }

    /// <summary>The server's 220 greeting.</summary>
    public SmtpReply? Greeting { get; private set; }

    /// <summary>What the last EHLO announced (after STARTTLS: what was announced over TLS, nothing from before).</summary>
    public SmtpCapabilities Capabilities { get; private set; } = SmtpCapabilities.None;

    /// <summary>The server's address as a person reads it, while connected.</summary>
    public string? Remote => _connection?.Remote;

    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(NetEndpoint.Tcp(host, port), cancellationToken);

    /// <summary>Connects, reads the greeting, says EHLO and, as <see cref="SmtpClientOptions.Security"/> asks, starts TLS.</summary>
    public Task ConnectAsync(NetEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return RunAsync(step => ConnectCoreAsync(endpoint, step, cancellationToken), cancellationToken, connecting: true);
    }

    public Task NoopAsync(CancellationToken cancellationToken = default) => SimpleCommandAsync("NOOP", cancellationToken);

    /// <summary>RSET: ends any transaction the server may think is open.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) => SimpleCommandAsync("RSET", cancellationToken);

    /// <summary>
    /// VRFY (RFC 5321 3.5): does the server know this user or mailbox? The reply is
    /// 250 or 251 (known), or 252 (cannot verify, but would try to deliver).
    /// </summary>
    public Task<SmtpReply> VerifyAsync(string address, CancellationToken cancellationToken = default) =>
        CommandExpectingSuccessAsync("VRFY", address, cancellationToken);

    /// <summary>EXPN: the members of a mailing list, one reply line each.</summary>
    public async Task<IReadOnlyList<string>> ExpandAsync(string list, CancellationToken cancellationToken = default) =>
        (await CommandExpectingSuccessAsync("EXPN", list, cancellationToken)).Lines;

    /// <summary>Says QUIT and closes the connection; a server that has already gone is no error.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            if (_connection is null)
            {
                return;
            }

            using var step = new Step(cancellationToken, Options.CommandTimeout);
            try
            {
                _output.ResetWrittenCount();
                await CommandAsync("QUIT", step);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Leaving anyway: a server that closed first, or one that does not answer, changes nothing.
            }
            finally
            {
                await CloseAsync();
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>QUIT (briefly) when connected and idle, then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _busy) != 0)
        {
            _connection?.Abort(); // An operation is running; it fails at once and closes.
            return;
        }

        if (_connection is not null)
        {
            using var quick = new CancellationTokenSource(QuitOnDisposeTimeout);
            try
            {
                await QuitAsync(quick.Token);
            }
            catch (OperationCanceledException)
            {
                await CloseAsync();
            }
        }
    }

    private async Task<bool> ConnectCoreAsync(NetEndpoint endpoint, Step step, CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            throw new InvalidOperationException("The client is already connected; QuitAsync first.");
        }

        var connection = await NetConnection.ConnectAsync(endpoint, Options.ConnectTimeout, cancellationToken);
        _trace = SmtpTraceRedaction.Wrap(Options.Trace);
        connection.Trace = _trace;
        _connection = connection;
        _reader = new LineReader(connection, MaxReplyLineLength);
        _host = endpoint.Host ?? "localhost";
        if (Options.Security == SmtpSecurity.ImplicitTls)
        {
            await UpgradeTlsAsync(step);
        }

        Greeting = await ReadReplyAsync("the greeting", step);
        if (Greeting.Code != 220)
        {
            throw new SmtpCommandException($"the SMTP server at {Remote} refused the connection: {Describe(Greeting)}", Greeting);
        }

        await HelloAsync(step);
        await StartTlsIfAskedAsync(step);
        return true;
    }

    private async Task HelloAsync(Step step)
    {
        var name = Options.ClientName ?? SmtpClientName.Default(_connection!.LocalEndPoint);
        var reply = await CommandAsync($"EHLO {name}", step);
        if (reply.Code == 250)
        {
            Capabilities = SmtpCapabilities.Parse(reply);
            return;
        }

        if (reply.Code is 500 or 502)
        {
            // An old server that knows only RFC 821: HELO, and no extensions.
            reply = await CommandAsync($"HELO {name}", step);
            if (reply.Code == 250)
            {
                Capabilities = SmtpCapabilities.None;
                return;
            }
        }

        throw new SmtpCommandException($"the SMTP server at {Remote} refused EHLO/HELO: {Describe(reply)}", reply);
    }

    private async Task StartTlsIfAskedAsync(Step step)
    {
        if (Options.Security is SmtpSecurity.None or SmtpSecurity.ImplicitTls)
        {
            return;
        }

        var required = Options.Security == SmtpSecurity.StartTls;
        if (!Capabilities.StartTls)
        {
            if (required)
            {
                throw new SmtpSecurityException($"the SMTP server at {Remote} does not offer STARTTLS and TLS is required: not going on in plaintext");
            }

            return;
        }

        var reply = await CommandAsync("STARTTLS", step);
        if (reply.Code != 220)
        {
            if (required)
            {
                throw new SmtpSecurityException($"the SMTP server at {Remote} refused STARTTLS ({Describe(reply)}) and TLS is required: not going on in plaintext");
            }

            return;
        }

        // Anything after the 220 came in plaintext, possibly from someone in the
        // middle, and must never be read as a reply over TLS (CVE-2011-0411).
        if (_reader!.Buffered > 0)
        {
            throw new SmtpProtocolException(
                $"the SMTP server at {Remote} sent {_reader.Buffered} more bytes in plaintext after its 220 reply to STARTTLS; they may be injected, so the connection is closed");
        }

        await UpgradeTlsAsync(step);
        Capabilities = SmtpCapabilities.None; // Nothing learned in plaintext is trusted.
        await HelloAsync(step);
    }

    private async Task UpgradeTlsAsync(Step step)
    {
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = _host,
            RemoteCertificateValidationCallback = Options.AcceptAnyCertificate ? static (_, _, _, _) => true : Options.CertificateValidation,
        };
        try
        {
            await _connection!.UpgradeToClientTlsAsync(tls, step.Next("the TLS handshake"));
        }
        catch (NetKitException ex)
        {
            // The transport's own failure type; as SMTP's, it also closes the connection (RunAsync).
            throw new SmtpProtocolException($"the TLS handshake with the SMTP server at {Remote} failed: {ex.Message}", ex);
        }
    }

    private Task SimpleCommandAsync(string command, CancellationToken cancellationToken) =>
        CommandExpectingSuccessAsync(command, argument: null, cancellationToken);

    /// <summary>One command whose reply must be 2xx; anything else is a <see cref="SmtpCommandException"/>.</summary>
    private Task<SmtpReply> CommandExpectingSuccessAsync(string verb, string? argument, CancellationToken cancellationToken)
    {
        if (argument is not null && (string.IsNullOrWhiteSpace(argument) || argument.AsSpan().ContainsAny('\r', '\n')))
        {
            throw new ArgumentException($"{verb} takes one line of text.", nameof(argument));
        }

        var line = argument is null ? verb : $"{verb} {argument}";
        return RunAsync(
            async step =>
            {
                var reply = await CommandAsync(line, step);
                return reply.IsSuccess ? reply : throw new SmtpCommandException($"the server refused {line}: {Describe(reply)}", reply);
            },
            cancellationToken);
    }

    /// <summary>
    /// Runs one public operation: one at a time, a clock per step, and every
    /// failure that leaves the connection in an unknown state closes it.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<Step, Task<T>> body, CancellationToken cancellationToken, bool connecting = false)
    {
        Enter();
        var step = new Step(cancellationToken, Options.CommandTimeout);
        try
        {
            if (!connecting && _connection is null)
            {
                throw new InvalidOperationException("The client is not connected; call ConnectAsync first.");
            }

            _output.ResetWrittenCount();
            return await body(step);
        }
        catch (Exception ex) when (connecting ? ex is not InvalidOperationException : Breaks(ex))
        {
            var translated = Translate(ex, step, cancellationToken);
            await CloseAsync(abort: true);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
        finally
        {
            step.Dispose();
            Exit();
        }
    }

    /// <summary>False for the failures after which the conversation is still in step.</summary>
    private static bool Breaks(Exception ex) => ex switch
    {
        SmtpCommandException command => command.Code == 421, // "closing the channel"
        SmtpMessageNotSupportedException or SmtpAuthenticationException or SmtpSecurityException or ArgumentException or InvalidOperationException => false,
        _ => true,
    };

    private Exception Translate(Exception ex, Step step, CancellationToken cancellationToken)
    {
        var remote = Remote ?? "(not connected)";
        return ex switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => new OperationCanceledException(
                $"the SMTP operation was cancelled while waiting for {step.What}; the connection was closed, as its state is unknown", ex, cancellationToken),
            OperationCanceledException => new SmtpTimeoutException(
                $"the SMTP server at {remote} did not answer within {step.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (waiting for {step.What}); the connection was closed"),
            IOException or SocketException or ObjectDisposedException => new SmtpProtocolException(
                $"the connection to the SMTP server at {remote} broke while waiting for {step.What}: {ex.Message}", ex),
            _ => ex,
        };
    }

    /// <summary>Sends one command line and reads its reply.</summary>
    private async Task<SmtpReply> CommandAsync(string line, Step step, bool secret = false)
    {
        Append(line, secret);
        var verb = secret ? "an AUTH response" : Verb(line);
        await FlushAsync(step, verb);
        return await ReadReplyAsync($"the reply to {verb}", step);
    }

    /// <summary>Adds a command line to the output buffer (sent by <see cref="FlushAsync"/>).</summary>
    private void Append(string line, bool secret = false)
    {
        _trace?.Sent(line, secret);
        var length = Encoding.UTF8.GetByteCount(line);
        var span = _output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _output.Advance(length + 2);
    }

    /// <summary>Sends everything buffered in one write.</summary>
    private async Task FlushAsync(Step step, string what)
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }

        await _connection!.SendAsync(_output.WrittenMemory, step.Next($"sending {what}"));
        if (_output.Capacity > KeepBufferBytes)
        {
            _output = new ArrayBufferWriter<byte>(4096); // Do not keep a big message's buffer for good.
        }
        else
        {
            _output.ResetWrittenCount();
        }
    }

    /// <summary>Reads one reply; 421 ("closing the channel", RFC 5321 3.8) ends the conversation whatever was asked.</summary>
    private async Task<SmtpReply> ReadReplyAsync(string what, Step step)
    {
        SmtpReply reply;
        try
        {
            reply = await SmtpReplyParser.ReadAsync(_reader!, step.Next(what));
        }
        catch (SmtpProtocolException ex)
        {
            // The parser knows the bytes, not the conversation: say which server and which reply.
            throw new SmtpProtocolException($"while reading {what} from the SMTP server at {Remote}: {ex.Message}", ex);
        }

        return reply.Code == 421
            ? throw new SmtpCommandException($"the SMTP server at {Remote} is closing the connection: {Describe(reply)}", reply)
            : reply;
    }

    private async ValueTask CloseAsync(bool abort = false)
    {
        var connection = _connection;
        _connection = null;
        _reader?.Dispose();
        _reader = null;
        IsAuthenticated = false;
        Capabilities = SmtpCapabilities.None;
        if (connection is null)
        {
            return;
        }

        if (abort)
        {
            connection.Abort();
        }

        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Closing a connection that already broke.
        }

        _trace?.Note("connection closed");
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("An SmtpClient does one operation at a time; another one is still running.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private static string Describe(SmtpReply reply) => reply.Describe();

    private static string Verb(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return line.StartsWith("MAIL ", StringComparison.Ordinal) || line.StartsWith("RCPT ", StringComparison.Ordinal)
            ? line[..(colon < 0 ? line.Length : colon)]
            : line[..(space < 0 ? line.Length : space)];
    }

    /// <summary>
    /// The clock of one operation: each step (a write, a reply) gets the full
    /// command timeout again, as RFC 5321 4.5.3.2 times each command.
    /// </summary>
    private sealed class Step(CancellationToken cancellationToken, TimeSpan timeout) : IDisposable
    {
        private readonly CancellationTokenSource _clock = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        public TimeSpan Timeout { get; } = timeout;

        /// <summary>What the operation is waiting for now ("the reply to MAIL FROM"), for error messages.</summary>
        public string What { get; private set; } = "the connection";

        public CancellationToken Next(string what)
        {
            What = what;
            _clock.CancelAfter(Timeout);
            return _clock.Token;
        }

        public void Dispose() => _clock.Dispose();
    }
}
