using System.Security.Cryptography;
using NetKit.Transport;

namespace NetKit.Pop3.Server;

/// <summary>
/// One POP3 conversation: reads commands in order, answers each in order (a
/// pipelined batch is answered in one write) and moves through
/// <see cref="Pop3SessionState"/>. This file: the loop and the dispatch; logging in
/// (USER/PASS, APOP, AUTH, STLS) and the maildrop commands have files of their own.
/// </summary>
internal sealed partial class Pop3Session : IAsyncDisposable
{
    private readonly Pop3Server _server;
    private readonly Pop3ServerOptions _options;
    private readonly NetConnection _connection;
    private readonly LineReader _reader;
    private readonly Pop3Output _output;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenSource _deadline;
    private readonly string? _apopTimestamp;
    private int _errors;
    private string _waitingFor = "a command";

    public Pop3Session(Pop3Server server, NetConnection connection, CancellationToken stopping)
    {
        _server = server;
        _options = server.Options;
        _connection = connection;
        _stopping = stopping;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _reader = new LineReader(connection, _options.MaxCommandLineLength);
        _output = new Pop3Output(connection);
        if (server.Maildrops.SupportsApop)
        {
            // RFC 1939 section 7: a timestamp unique to this greeting, the msg-id form.
            _apopTimestamp = $"<{Environment.ProcessId}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}@{_options.HostName}>";
        }

        if (connection.Trace is { } trace)
        {
            trace.Redact = line => _inSasl ? "********" : Pop3TraceRedaction.Redact(line);
        }
    }

    public Pop3SessionState State { get; private set; } = Pop3SessionState.Authorization;

    public async Task RunAsync()
    {
        var greeting = _apopTimestamp is null ? "NetKit POP3 server ready" : $"NetKit POP3 server ready {_apopTimestamp}";
        _output.Response(Pop3Response.Ok(greeting));
        try
        {
            while (await NextCommandAsync())
            {
                if (_errors >= _options.MaxErrors)
                {
                    Pop3ServerLog.TooManyErrors(_server.Logger, _connection.Remote, _errors);
                    await CloseWithAsync(Pop3Response.Err("too many errors; closing"));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested)
        {
            // Autologout or shutdown: the session ends without UPDATE, so nothing is deleted.
            if (!_stopping.IsCancellationRequested)
            {
                Pop3ServerLog.TimedOut(_server.Logger, _connection.Remote, _waitingFor);
            }

            await CloseWithAsync(_stopping.IsCancellationRequested
                ? Pop3Response.Err("server shutting down", Pop3ResponseCodes.SysTemp)
                : Pop3Response.Err("autologout; idle for too long"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _deadline.Dispose();
        await ReleaseMaildropAsync();
    }

    /// <summary>Reads and answers one command; false when the session is over.</summary>
    private async ValueTask<bool> NextCommandAsync()
    {
        var line = await ReadLineAsync("a command");
        switch (line.Status)
        {
            case LineStatus.EndOfStream:
                return false; // Dropped before QUIT: no UPDATE state, nothing deleted.
            case LineStatus.TooLong:
                Error("line too long");
                return true;
        }

        if (!line.TryGetText(out var text) || text.Contains('\0', StringComparison.Ordinal))
        {
            Error("command is not valid UTF-8 text");
            return true;
        }

        var command = Pop3CommandLine.Parse(text);
        if (!AllowedNow(command.Verb))
        {
            Error(command.Verb == Pop3Verb.Unknown ? "unknown command" : $"{command.Keyword.ToUpperInvariant()} is not valid in the {StateName} state");
            return true;
        }

        if (command.Verb != Pop3Verb.Pass)
        {
            _userName = null; // RFC 1939: PASS only right after USER.
        }

        switch (command.Verb)
        {
            case Pop3Verb.Capa:
                Capa(command);
                return true;
            case Pop3Verb.Quit:
                return await QuitAsync(command);
            case Pop3Verb.User:
                User(command);
                return true;
            case Pop3Verb.Pass:
                return await PassAsync(text);
            case Pop3Verb.Apop:
                return await ApopAsync(command);
            case Pop3Verb.Auth:
                return await AuthAsync(command);
            case Pop3Verb.Stls:
                return await StlsAsync(command);
            default:
                await TransactionAsync(command);
                return true;
        }
    }

    private string StateName => State.ToString().ToUpperInvariant();

    /// <summary>Which commands each state takes (RFC 1939 sections 4-6, RFC 2449, RFC 2595, RFC 5034).</summary>
    private bool AllowedNow(Pop3Verb verb) => (State, verb) switch
    {
        (_, Pop3Verb.Unknown) => false,
        (_, Pop3Verb.Capa or Pop3Verb.Quit) => true,
        (Pop3SessionState.Authorization, Pop3Verb.User or Pop3Verb.Pass or Pop3Verb.Apop or Pop3Verb.Auth or Pop3Verb.Stls) => true,
        (Pop3SessionState.Transaction, Pop3Verb.Stat or Pop3Verb.List or Pop3Verb.Retr or Pop3Verb.Dele or Pop3Verb.Noop
            or Pop3Verb.Rset or Pop3Verb.Top or Pop3Verb.Uidl) => true,
        _ => false,
    };

    private void Capa(Pop3CommandLine command)
    {
        if (command.Arguments.Count > 0)
        {
            Error("CAPA takes no argument");
            return;
        }

        List<string> lines = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", $"IMPLEMENTATION {_options.Implementation}"];
        if (_options.LoginDelay is { } delay)
        {
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"LOGIN-DELAY {(long)Math.Ceiling(delay.TotalSeconds)}"));
        }

        if (State == Pop3SessionState.Authorization)
        {
            if (PlaintextLoginAllowed)
            {
                lines.Add("USER");
            }

            if (OfferedMechanisms is { Count: > 0 } mechanisms)
            {
                lines.Add("SASL " + string.Join(' ', mechanisms));
            }

            if (StlsOffered)
            {
                lines.Add("STLS");
            }
        }

        _output.Response(Pop3Response.Ok("capability list follows"));
        _output.Lines(lines);
    }

    private async ValueTask<bool> QuitAsync(Pop3CommandLine command)
    {
        if (command.Arguments.Count > 0)
        {
            Error("QUIT takes no argument");
            return true;
        }

        if (State != Pop3SessionState.Transaction)
        {
            await CloseWithAsync(Pop3Response.Ok("bye"));
            return false;
        }

        State = Pop3SessionState.Update;
        await CloseWithAsync(await UpdateAsync());
        return false;
    }

    /// <summary>A refused command: counted towards <see cref="Pop3ServerOptions.MaxErrors"/>.</summary>
    private void Error(string text, string? code = null)
    {
        _errors++;
        _output.Response(Pop3Response.Err(text, code));
    }

    /// <summary>
    /// Reads a line before the autologout timer fires. When the next line is not
    /// already buffered, the responses waiting are sent first: that is where a
    /// pipelining client's batch ends and it waits for our answers.
    /// </summary>
    private async ValueTask<LineResult> ReadLineAsync(string waitingFor)
    {
        _waitingFor = waitingFor;
        _deadline.CancelAfter(_options.CommandTimeout);
        var line = await PipelinedReads.ReadLineAsync(_reader, _output, _connection, _deadline.Token, _stopping);
        _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        return line;
    }

    /// <summary>Sends <paramref name="response"/> and everything before it, then ends the session.</summary>
    private async Task CloseWithAsync(Pop3Response response)
    {
        _output.Response(response);
        await LastWords.TrySayAsync(_output.FlushAsync);
    }
}
