using System.Buffers;
using System.Globalization;
using System.Text;
using MimeKit;
using NetKit.Net;
using NetKit.Smtp;
using NetKit.Transport;

namespace NetKit.Nntp.Client;

/// <summary>
/// An NNTP client with nntplib's reach, async: capabilities, MODE READER, GROUP,
/// LISTGROUP, OVER/XOVER, ARTICLE/HEAD/BODY/STAT, NEXT/LAST, POST, IHAVE, NEWGROUPS,
/// NEWNEWS, LIST (ACTIVE, NEWSGROUPS, OVERVIEW.FMT ...), HDR, DATE, STARTTLS and
/// AUTHINFO. A refusal is an <see cref="NntpCommandException"/> and the connection
/// stays usable; a broken conversation is an <see cref="NntpProtocolException"/> and closes it.
/// One command at a time.
/// </summary>
public sealed class NntpClient : IAsyncDisposable
{
    private NetConnection? _connection;
    private LineReader? _reader;
    private LineWriter? _writer;
    private string _host = "localhost";
    private IReadOnlyList<string>? _capabilities;

    public NntpClient(NntpClientOptions? options = null) => Options = options ?? new NntpClientOptions();

    public NntpClientOptions Options { get; }

    public bool IsConnected => _connection is not null;

    public bool IsSecure => _connection?.IsTls == true;

    /// <summary>The greeting (200: posting allowed, 201: not).</summary>
    public NntpResponse? Welcome { get; private set; }

    public bool PostingAllowed => Welcome?.Code == 200;

    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(NetEndpoint.Tcp(host, port), cancellationToken);

    /// <summary>Connects and reads the greeting; a 400/502 greeting is an <see cref="NntpCommandException"/>.</summary>
    public async Task ConnectAsync(NetEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_connection is not null)
        {
            throw new InvalidOperationException("already connected");
        }

        _host = endpoint.Host ?? "localhost";
        var connection = await NetConnection.ConnectAsync(endpoint, Options.ConnectTimeout, cancellationToken);
        connection.Trace = Options.Trace;
        if (Options.Trace is { } trace)
        {
            trace.Redact = Redact;
        }

        _connection = connection;
        _reader = new LineReader(connection, 64 * 1024);
        _writer = new LineWriter(connection);
        try
        {
            if (Options.ImplicitTls)
            {
                await Guard(ct => UpgradeAsync(connection, ct), cancellationToken);
            }

            // Under the command clock too: a server that accepts and never greets must not hang the client.
            var welcome = await Guard(ReadResponseAsync, cancellationToken);
            Welcome = welcome;
            if (welcome.Code is not (200 or 201))
            {
                throw new NntpCommandException(welcome, "connect");
            }
        }
        catch
        {
            await CloseAsync();
            throw;
        }
    }

    /// <summary>CAPABILITIES (cached until STARTTLS or a login changes them).</summary>
    public async Task<IReadOnlyList<string>> GetCapabilitiesAsync(CancellationToken cancellationToken = default)
    {
        if (_capabilities is null)
        {
            var (_, lines) = await LinesAsync("CAPABILITIES", 101, cancellationToken);
            _capabilities = lines;
        }

        return _capabilities;
    }

    /// <summary>True when the server lists the capability (its first word, any case).</summary>
    public async Task<bool> HasCapabilityAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetCapabilitiesAsync(cancellationToken)).Any(c => c.Split(' ')[0].Equals(name, StringComparison.OrdinalIgnoreCase));

    public async Task<NntpResponse> ModeReaderAsync(CancellationToken cancellationToken = default)
    {
        var response = await CommandAsync("MODE READER", cancellationToken, 200, 201);
        Welcome = response;
        _capabilities = null;
        return response;
    }

    /// <summary>STARTTLS (RFC 4642): 382, then the TLS handshake; capabilities are asked again afterwards.</summary>
    public async Task StartTlsAsync(CancellationToken cancellationToken = default)
    {
        await CommandAsync("STARTTLS", cancellationToken, 382);
        if (_reader!.Buffered > 0)
        {
            // Bytes after the 382 came in plaintext, maybe from someone in the middle (CVE-2011-0411 class).
            var injected = _reader.Buffered;
            await CloseAsync();
            throw new NntpProtocolException($"the server sent {injected} more bytes in plaintext after its 382 reply to STARTTLS; they may be injected, so the connection is closed");
        }

        var connection = Connection;
        await Guard(ct => UpgradeAsync(connection, ct), cancellationToken);
        _capabilities = null;
    }

    private async Task<int> UpgradeAsync(NetConnection connection, CancellationToken cancellationToken)
    {
        await connection.UpgradeToClientTlsAsync(_host, Options.AcceptAnyCertificate, cancellationToken);
        return 0;
    }

    /// <summary>AUTHINFO USER/PASS (RFC 4643); a wrong password is an <see cref="NntpCommandException"/> with 481.</summary>
    public async Task LoginAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var first = await CommandAsync("AUTHINFO USER " + user, cancellationToken, 281, 381);
        if (first.Code == 381)
        {
            await CommandAsync("AUTHINFO PASS " + password, cancellationToken, 281);
        }

        _capabilities = null;
    }

    /// <summary>AUTHINFO SASL PLAIN with an initial response (RFC 4643 2.4).</summary>
    public async Task LoginPlainAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        var message = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
        await CommandAsync("AUTHINFO SASL PLAIN " + message, cancellationToken, 281, 283);
        _capabilities = null;
    }

    public async Task<NntpGroupInfo> GroupAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await CommandAsync("GROUP " + name, cancellationToken, 211);
        return ParseGroup(response);
    }

    /// <summary>LISTGROUP: the article numbers of the group (and selects it).</summary>
    public async Task<IReadOnlyList<long>> ListGroupAsync(string name, NntpRange? range = null, CancellationToken cancellationToken = default)
    {
        var (_, lines) = await LinesAsync(range is { } r ? $"LISTGROUP {name} {r}" : "LISTGROUP " + name, 211, cancellationToken);
        return lines.Select(l => Number(l, "LISTGROUP")).ToList();
    }

    /// <summary>OVER (or XOVER when the server does not list OVER): the overview of a range in the selected group.</summary>
    public async Task<IReadOnlyList<NntpOverview>> OverAsync(NntpRange range, CancellationToken cancellationToken = default)
    {
        var verb = await HasCapabilityAsync("OVER", cancellationToken) ? "OVER" : "XOVER";
        var (_, lines) = await LinesAsync($"{verb} {range}", 224, cancellationToken);
        return lines.Select(l => NntpOverview.TryParse(l, out var o) ? o : throw new NntpProtocolException($"{verb}: not an overview line: {l}")).ToList();
    }

    public Task<NntpArticle> ArticleAsync(long number, CancellationToken cancellationToken = default) =>
        FetchAsync("ARTICLE", number.ToString(CultureInfo.InvariantCulture), 220, cancellationToken);

    public Task<NntpArticle> ArticleAsync(string messageId, CancellationToken cancellationToken = default) =>
        FetchAsync("ARTICLE", messageId, 220, cancellationToken);

    /// <summary>HEAD: the header section's bytes (no empty line after it).</summary>
    public Task<NntpArticle> HeadAsync(string numberOrMessageId, CancellationToken cancellationToken = default) =>
        FetchAsync("HEAD", numberOrMessageId, 221, cancellationToken);

    public Task<NntpArticle> BodyAsync(string numberOrMessageId, CancellationToken cancellationToken = default) =>
        FetchAsync("BODY", numberOrMessageId, 222, cancellationToken);

    public async Task<NntpArticlePointer> StatAsync(string? numberOrMessageId = null, CancellationToken cancellationToken = default) =>
        Pointer(await CommandAsync(numberOrMessageId is null ? "STAT" : "STAT " + numberOrMessageId, cancellationToken, 223));

    public async Task<NntpArticlePointer> NextAsync(CancellationToken cancellationToken = default) =>
        Pointer(await CommandAsync("NEXT", cancellationToken, 223));

    public async Task<NntpArticlePointer> LastAsync(CancellationToken cancellationToken = default) =>
        Pointer(await CommandAsync("LAST", cancellationToken, 223));

    /// <summary>POST: 340, the article, 240. Returns the server's 240 reply.</summary>
    public async Task<NntpResponse> PostAsync(ReadOnlyMemory<byte> article, CancellationToken cancellationToken = default)
    {
        await CommandAsync("POST", cancellationToken, 340);
        return await SendArticleAsync(article, "POST", 240, cancellationToken);
    }

    /// <summary>POST a MimeKit message (its bytes as MimeKit writes them, CRLF line endings).</summary>
    public Task<NntpResponse> PostAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var stream = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, stream, cancellationToken);
        return PostAsync(stream.ToArray(), cancellationToken);
    }

    /// <summary>IHAVE: offers an article by message-id; 335 sends it, 235 means stored. 435/436/437 are <see cref="NntpCommandException"/>s.</summary>
    public async Task<NntpResponse> IHaveAsync(string messageId, ReadOnlyMemory<byte> article, CancellationToken cancellationToken = default)
    {
        await CommandAsync("IHAVE " + messageId, cancellationToken, 335);
        return await SendArticleAsync(article, "IHAVE", 235, cancellationToken);
    }

    public async Task<IReadOnlyList<NntpGroupInfo>> NewGroupsAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var (date, time) = NntpDateTime.Format(since);
        var (_, lines) = await LinesAsync($"NEWGROUPS {date} {time} GMT", 231, cancellationToken);
        return lines.Select(ParseActive).ToList();
    }

    public async Task<IReadOnlyList<string>> NewNewsAsync(string wildmat, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var (date, time) = NntpDateTime.Format(since);
        var (_, lines) = await LinesAsync($"NEWNEWS {wildmat} {date} {time} GMT", 230, cancellationToken);
        return lines;
    }

    /// <summary>LIST ACTIVE [wildmat]: every group with its marks and status.</summary>
    public async Task<IReadOnlyList<NntpGroupInfo>> ListActiveAsync(string? wildmat = null, CancellationToken cancellationToken = default) =>
        (await ListAsync(wildmat is null ? "ACTIVE" : "ACTIVE " + wildmat, cancellationToken)).Select(ParseActive).ToList();

    /// <summary>LIST NEWSGROUPS [wildmat]: group name to description.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DescriptionsAsync(string? wildmat = null, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in await ListAsync(wildmat is null ? "NEWSGROUPS" : "NEWSGROUPS " + wildmat, cancellationToken))
        {
            var split = line.IndexOfAny([' ', '\t']);
            result[split < 0 ? line : line[..split]] = split < 0 ? "" : line[(split + 1)..].Trim();
        }

        return result;
    }

    /// <summary>Any LIST keyword and argument (OVERVIEW.FMT, HEADERS, ACTIVE.TIMES ...): the lines as sent.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string keywordAndArgument = "ACTIVE", CancellationToken cancellationToken = default) =>
        (await LinesAsync("LIST " + keywordAndArgument, 215, cancellationToken)).Lines;

    /// <summary>HDR field range (XHDR when HDR is not listed): number and value pairs.</summary>
    public async Task<IReadOnlyList<(long Number, string Value)>> HdrAsync(string field, string rangeOrMessageId, CancellationToken cancellationToken = default)
    {
        var hdr = await HasCapabilityAsync("HDR", cancellationToken);
        var (_, lines) = await LinesAsync($"{(hdr ? "HDR" : "XHDR")} {field} {rangeOrMessageId}", hdr ? 225 : 221, cancellationToken);
        return lines.Select(l =>
        {
            var space = l.IndexOf(' ', StringComparison.Ordinal);
            return (Number(space < 0 ? l : l[..space], "HDR"), space < 0 ? "" : l[(space + 1)..]);
        }).ToList();
    }

    /// <summary>DATE: the server's clock (UTC).</summary>
    public async Task<DateTimeOffset> DateAsync(CancellationToken cancellationToken = default)
    {
        var response = await CommandAsync("DATE", cancellationToken, 111);
        return DateTimeOffset.TryParseExact(response.Words.FirstOrDefault(), "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var date) ? date : throw new NntpProtocolException($"DATE: not a date: {response}");
    }

    public async Task<IReadOnlyList<string>> HelpAsync(CancellationToken cancellationToken = default) =>
        (await LinesAsync("HELP", 100, cancellationToken)).Lines;

    /// <summary>QUIT, then closes.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is null)
        {
            return;
        }

        try
        {
            await CommandAsync("QUIT", cancellationToken, 205);
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>Sends a command line and reads one status line; an unexpected code is an <see cref="NntpCommandException"/>.</summary>
    public async Task<NntpResponse> CommandAsync(string command, CancellationToken cancellationToken, params int[] expected)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("a command is one line", nameof(command));
        }

        var writer = _writer ?? throw new InvalidOperationException("not connected");
        await Guard(async ct =>
        {
            await writer.WriteLineAsync(command, ct);
            return 0;
        }, cancellationToken);
        var response = await Guard(ReadResponseAsync, cancellationToken);
        if (expected.Length > 0 && !expected.Contains(response.Code))
        {
            if (response.Code is 400 or 205)
            {
                await CloseAsync(); // The server is closing.
            }

            throw new NntpCommandException(response, FirstWords(command));
        }

        return response;
    }

    private async Task<(NntpResponse Response, List<string> Lines)> LinesAsync(string command, int expected, CancellationToken cancellationToken)
    {
        var response = await CommandAsync(command, cancellationToken, expected);
        var content = await Guard(ReadBlockAsync, cancellationToken);
        return (response, NntpMultiLine.SplitLines(content.WrittenSpan));
    }

    private async Task<NntpArticle> FetchAsync(string verb, string which, int expected, CancellationToken cancellationToken)
    {
        var response = await CommandAsync($"{verb} {which}", cancellationToken, expected);
        var content = await Guard(ReadBlockAsync, cancellationToken);
        var pointer = Pointer(response);
        return new NntpArticle(pointer.Number, pointer.MessageId, content.WrittenSpan.ToArray());
    }

    private async Task<NntpResponse> SendArticleAsync(ReadOnlyMemory<byte> article, string verb, int expected, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(article.Length + 64);
        NntpMultiLine.WriteArticle(article.Span, output);
        Options.Trace?.Note($"{output.WrittenCount} bytes of article");
        await Guard(async ct =>
        {
            await Connection.WriteAsync(output.WrittenMemory, ct);
            return 0;
        }, cancellationToken);
        var response = await Guard(ReadResponseAsync, cancellationToken);
        return response.Code == expected ? response : throw new NntpCommandException(response, verb);
    }

    private async Task<ArrayBufferWriter<byte>> ReadBlockAsync(CancellationToken cancellationToken)
    {
        var content = new ArrayBufferWriter<byte>(4096);
        var outcome = await NntpMultiLine.ReadAsync(_reader!, content, Options.MaxResponseSize, cancellationToken);
        return outcome switch
        {
            SmtpDataOutcome.Complete => content,
            SmtpDataOutcome.ConnectionClosed => throw new NntpProtocolException("the server closed the connection in the middle of a reply"),
            SmtpDataOutcome.TooBig => throw new NntpProtocolException($"the server's reply is bigger than {Options.MaxResponseSize} bytes"),
            _ => throw new NntpProtocolException($"the server's multi-line reply is malformed ({outcome})"),
        };
    }

    private async Task<NntpResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var line = await _reader!.ReadLineAsync(cancellationToken);
        return line.Status switch
        {
            LineStatus.EndOfStream => throw new NntpProtocolException("the server closed the connection"),
            LineStatus.TooLong => throw new NntpProtocolException("the server sent an overlong status line"),
            _ when NntpResponse.TryParse(line.Text, out var response) => response,
            _ => throw new NntpProtocolException($"not an NNTP reply: \"{line.Text}\""),
        };
    }

    /// <summary>Runs one step with the command timeout; a timeout or broken connection closes the client.</summary>
    private async Task<T> Guard<T>(Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.CommandTimeout);
        try
        {
            return await step(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await CloseAsync();
            throw new NntpProtocolException($"no answer from the server within {Options.CommandTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex))
        {
            await CloseAsync();
            throw new NntpProtocolException($"the connection broke: {ex.Message}", ex);
        }
        catch (NntpProtocolException)
        {
            await CloseAsync();
            throw;
        }
        catch (NetKitException ex) when (ex is not NntpCommandException)
        {
            // The transport's own failures (a TLS handshake that failed), as NNTP's.
            await CloseAsync();
            throw new NntpProtocolException(ex.Message, ex);
        }
        catch (OperationCanceledException)
        {
            await CloseAsync();
            throw;
        }
    }

    private NetConnection Connection => _connection ?? throw new InvalidOperationException("not connected");

    private static NntpGroupInfo ParseGroup(NntpResponse response)
    {
        var w = response.Words;
        if (w.Length < 4 || !long.TryParse(w[0], CultureInfo.InvariantCulture, out var count)
            || !long.TryParse(w[1], CultureInfo.InvariantCulture, out var low) || !long.TryParse(w[2], CultureInfo.InvariantCulture, out var high))
        {
            throw new NntpProtocolException($"GROUP: malformed reply: {response}");
        }

        return new NntpGroupInfo(w[3], count, low, high);
    }

    /// <summary>"name high low status" (LIST ACTIVE, NEWGROUPS); Count is the estimate high - low + 1.</summary>
    private static NntpGroupInfo ParseActive(string line)
    {
        var w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length < 3 || !long.TryParse(w[1], CultureInfo.InvariantCulture, out var high) || !long.TryParse(w[2], CultureInfo.InvariantCulture, out var low))
        {
            throw new NntpProtocolException($"LIST: malformed line: {line}");
        }

        return new NntpGroupInfo(w[0], Math.Max(0, high - low + 1), low, high, w.Length > 3 ? w[3] : "");
    }

    private static NntpArticlePointer Pointer(NntpResponse response)
    {
        var w = response.Words;
        return w.Length >= 2 && long.TryParse(w[0], CultureInfo.InvariantCulture, out var number)
            ? new NntpArticlePointer(number, w[1])
            : throw new NntpProtocolException($"malformed article reply: {response}");
    }

    private static long Number(string text, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new NntpProtocolException($"{what}: not a number: {text}");

    private static string FirstWords(string command) => Redact(command);

    private static string Redact(string line) =>
        line.StartsWith("AUTHINFO PASS", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 2)
        : line.StartsWith("AUTHINFO SASL", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 3)
        : line;

    private async Task CloseAsync()
    {
        var connection = _connection;
        _connection = null;
        _reader?.Dispose();
        _reader = null;
        _writer = null;
        _capabilities = null;
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await QuitAsync(quick.Token);
            }
            catch (Exception ex) when (ex is NetKitException or OperationCanceledException or IOException)
            {
                // Leaving anyway.
            }
        }

        await CloseAsync();
    }
}
