using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using NetKit.Transport;

namespace NetKit.Nntp.Server;

/// <summary>
/// One NNTP conversation: reads a command, answers it, and keeps the selected
/// group and current article in <see cref="NntpSessionState"/>. Replies gather in
/// a buffer and go out when no further command is waiting (pipelining, RFC 3977 3.5).
/// This file: the loop and the output; the commands live in the other parts.
/// </summary>
internal sealed partial class NntpSession : IDisposable
{
    private readonly NntpServer _server;
    private readonly NntpServerOptions _options;
    private readonly NetConnection _connection;
    private readonly LineReader _reader;
    private readonly CancellationToken _stopping;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private NntpSessionState _state = NntpSessionState.NoGroup;
    private NewsGroup? _group;
    private long _current;
    private int _errors;

    public NntpSession(NntpServer server, NetConnection connection, CancellationToken stopping)
    {
        _server = server;
        _options = server.Options;
        _connection = connection;
        _stopping = stopping;
        // One reader for commands and articles (it may hold an article's start already):
        // sized for article lines, with the command limit checked per command.
        _reader = new LineReader(connection, Math.Max(_options.MaxCommandLineLength, _options.MaxArticleLineLength));
        if (connection.Trace is { } trace)
        {
            trace.Redact = RedactAuth;
        }
    }

    private bool PostingAllowed => _options.PostingAllowed && (!_options.RequireAuthentication || _user is not null);

    public async Task RunAsync()
    {
        Reply(PostingAllowed ? 200 : 201, $"{_options.HostName} NetKit news server ready ({(PostingAllowed ? "posting ok" : "no posting")})");
        try
        {
            while (await NextCommandAsync())
            {
                if (_errors >= _options.MaxErrors)
                {
                    NntpServerLog.TooManyErrors(_server.Logger, _connection.Remote, _errors);
                    Reply(400, "too many errors; goodbye");
                    await FlushAsync();
                    return;
                }
            }

            await FlushAsync();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Reply(400, "server shutting down");
            await TryFlushAsync();
        }
        catch (OperationCanceledException)
        {
            NntpServerLog.TimedOut(_server.Logger, _connection.Remote);
            Reply(400, "idle for too long; goodbye");
            await TryFlushAsync();
        }
    }

    public void Dispose() => _reader.Dispose();

    private async ValueTask<bool> NextCommandAsync()
    {
        if (_reader.Buffered == 0)
        {
            await FlushAsync();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        timeout.CancelAfter(_options.CommandTimeout);
        var line = await _reader.ReadLineAsync(timeout.Token);
        switch (line.Status)
        {
            case LineStatus.EndOfStream:
                return false;
            case LineStatus.TooLong:
                Error(501, "line too long");
                return true;
        }

        if (line.Bytes.Length > _options.MaxCommandLineLength)
        {
            Error(501, "line too long");
            return true;
        }

        if (!line.TryGetText(out var text) || text.Contains('\0', StringComparison.Ordinal))
        {
            Error(501, "command is not UTF-8 text");
            return true;
        }

        var words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            Error(500, "empty command");
            return true;
        }

        var verb = words[0].ToUpperInvariant();
        var args = words[1..];
        if (NeedsLogin(verb))
        {
            Reply(480, "authentication required");
            return true;
        }

        switch (verb)
        {
            case "QUIT":
                Reply(205, "closing connection");
                return false;
            case "CAPABILITIES":
                Capabilities(args);
                return true;
            case "MODE":
                if (args.Length == 1 && args[0].Equals("READER", StringComparison.OrdinalIgnoreCase))
                {
                    Reply(PostingAllowed ? 200 : 201, PostingAllowed ? "posting allowed" : "posting prohibited");
                }
                else
                {
                    Error(501, "MODE READER is the only mode");
                }

                return true;
            case "DATE":
                Reply(111, DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
                return true;
            case "HELP":
                Help();
                return true;
            case "GROUP":
                await GroupAsync(args);
                return true;
            case "LISTGROUP":
                await ListGroupAsync(args);
                return true;
            case "ARTICLE" or "HEAD" or "BODY" or "STAT":
                await ArticleAsync(verb, args);
                return true;
            case "NEXT" or "LAST":
                await MoveAsync(verb == "NEXT", args);
                return true;
            case "OVER" or "XOVER":
                await OverAsync(args);
                return true;
            case "HDR" or "XHDR":
                await HdrAsync(verb == "XHDR", args);
                return true;
            case "LIST":
                await ListAsync(args);
                return true;
            case "NEWGROUPS":
                await NewGroupsAsync(args);
                return true;
            case "NEWNEWS":
                await NewNewsAsync(args);
                return true;
            case "POST":
                return await PostAsync(args);
            case "IHAVE":
                return await IHaveAsync(args);
            case "STARTTLS":
                return await StartTlsAsync(args);
            case "AUTHINFO":
                return await AuthInfoAsync(args);
            default:
                Error(500, "unknown command");
                return true;
        }
    }

    /// <summary>With RequireAuthentication, everything but the commands that lead to a login waits for one.</summary>
    private bool NeedsLogin(string verb) =>
        _options.RequireAuthentication && _user is null
        && verb is not ("QUIT" or "CAPABILITIES" or "MODE" or "STARTTLS" or "AUTHINFO" or "HELP" or "DATE");

    private void Reply(int code, string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{code} {text}");
        _connection.Trace?.Sent(line);
        WriteLine(line);
    }

    /// <summary>A 5xx refusal, counted towards MaxErrors.</summary>
    private void Error(int code, string text)
    {
        _errors++;
        Reply(code, text);
    }

    private void WriteLine(string line)
    {
        var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
        var n = Encoding.UTF8.GetBytes(line, span);
        span[n] = (byte)'\r';
        span[n + 1] = (byte)'\n';
        _output.Advance(n + 2);
    }

    /// <summary>A status line and its multi-line block.</summary>
    private void Block(int code, string text, IEnumerable<string> lines)
    {
        Reply(code, text);
        var start = _output.WrittenCount;
        NntpMultiLine.WriteLines(lines, _output);
        _connection.Trace?.Note($"{_output.WrittenCount - start} bytes of data");
    }

    private void Article(int code, string text, ReadOnlySpan<byte> bytes)
    {
        Reply(code, text);
        var start = _output.WrittenCount;
        NntpMultiLine.WriteArticle(bytes, _output);
        _connection.Trace?.Note($"{_output.WrittenCount - start} bytes of article");
    }

    private async ValueTask FlushAsync()
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }

        await _connection.SendAsync(_output.WrittenMemory, _stopping);
        _connection.Touch();
        _output.ResetWrittenCount();
        if (_output.Capacity > 1024 * 1024)
        {
            _output.Clear();
        }
    }

    private ValueTask<bool> TryFlushAsync() => LastWords.TrySayAsync(ct => _connection.SendAsync(_output.WrittenMemory, ct));
}
