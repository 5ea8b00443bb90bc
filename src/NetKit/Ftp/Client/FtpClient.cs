using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using NetKit.Transport;

namespace NetKit.Ftp.Client;

/// <summary>
/// An FTP client with Python ftplib's reach, async: login, directories,
/// listings (NLST, LIST parsed, MLSD facts), SIZE and MDTM, downloads and
/// uploads as streams with REST resume and progress, passive (EPSV then
/// PASV) or active (EPRT/PORT) data connections, explicit (AUTH TLS) and
/// implicit TLS with PROT P. A refusal is an <see cref="FtpCommandException"/>
/// (the connection stays usable); a broken conversation is an <see cref="FtpProtocolException"/>.
/// </summary>
public sealed class FtpClient : IAsyncDisposable
{
    private readonly NetConnection _connection;
    private readonly LineReader _reader;
    private readonly LineWriter _writer;
    private readonly FtpClientOptions _options;
    private readonly string _host;
    private string? _type;
    private bool _epsvFailed;
    private bool _transferOpen;

    private FtpClient(NetConnection connection, string host, FtpClientOptions options)
    {
        _connection = connection;
        _host = host;
        _options = options;
        _reader = new LineReader(connection, 64 * 1024);
        _writer = new LineWriter(connection);
        if (options.Trace is { } trace)
        {
            trace.Redact = FtpRequest.Redact;
            connection.Trace = trace;
        }
    }

    /// <summary>The server's 220 greeting.</summary>
    public FtpReply Welcome { get; private set; } = null!;

    /// <summary>The control connection speaks TLS.</summary>
    public bool IsTls => _connection.IsTls;

    /// <summary>Data connections speak TLS (PROT P).</summary>
    public bool ProtectData { get; private set; }

    /// <summary>Connects and reads the greeting. With <see cref="FtpClientOptions.ImplicitTls"/> the handshake comes first.</summary>
    public static async Task<FtpClient> ConnectAsync(string host, int port = 21, FtpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FtpClientOptions();
        var connection = await NetConnection.ConnectAsync(Net.NetEndpoint.Tcp(host, port), options.Timeout, cancellationToken);
        var client = new FtpClient(connection, host, options);
        try
        {
            if (options.ImplicitTls)
            {
                await connection.UpgradeToClientTlsAsync(host, options.AcceptAnyCertificate, cancellationToken);
                client.ProtectData = true;
            }

            client.Welcome = await client.ReadReplyAsync(cancellationToken);
            if (client.Welcome.Code != 220)
            {
                throw new FtpCommandException("(greeting)", client.Welcome);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one command line and returns the reply, whatever its code (ftplib's sendcmd without the check).</summary>
    public async Task<FtpReply> SendCommandAsync(string line, CancellationToken cancellationToken = default)
    {
        if (line.Contains('\r') || line.Contains('\n'))
        {
            throw new ArgumentException("A command is one line.", nameof(line));
        }

        await _writer.WriteLineAsync(line, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>Sends a command; a 4xx or 5xx reply is an <see cref="FtpCommandException"/>.</summary>
    public async Task<FtpReply> ExecuteAsync(string line, CancellationToken cancellationToken = default)
    {
        var reply = await SendCommandAsync(line, cancellationToken);
        return reply.IsFailure ? throw new FtpCommandException(FtpRequest.Redact(line), reply) : reply;
    }

    /// <summary>USER and PASS (anonymous by default).</summary>
    public async Task LoginAsync(string userName = "anonymous", string password = "anonymous@", CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync($"USER {userName}", cancellationToken);
        if (reply.Code == 331)
        {
            reply = await ExecuteAsync($"PASS {password}", cancellationToken);
        }

        if (reply.Code != 230 && reply.Code != 202)
        {
            throw new FtpCommandException("PASS ********", reply);
        }

        if (_options.ImplicitTls)
        {
            // Implicit FTPS protects data too; saying so explicitly serves servers that default to PROT C.
            await SetDataProtectionAsync(true, cancellationToken);
        }
    }

    /// <summary>AUTH TLS and the handshake; then PBSZ 0 and PROT P so that data is encrypted too.</summary>
    public async Task AuthTlsAsync(CancellationToken cancellationToken = default)
    {
        if (!IsTls)
        {
            var reply = await ExecuteAsync("AUTH TLS", cancellationToken);
            if (reply.Code != 234)
            {
                throw new FtpCommandException("AUTH TLS", reply);
            }

            if (_reader.Buffered > 0)
            {
                // Bytes after the 234 came in plaintext, maybe from someone in the middle (CVE-2011-0411 class).
                throw new FtpProtocolException($"the server sent {_reader.Buffered} more bytes in plaintext after its 234 reply to AUTH TLS; they may be injected, so the connection is closed");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                await _connection.UpgradeToClientTlsAsync(_host, _options.AcceptAnyCertificate, timeout.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new FtpProtocolException($"the TLS handshake after AUTH TLS did not finish within {_options.Timeout.TotalSeconds:0.#} s", ex);
            }
            catch (NetKitException ex)
            {
                throw new FtpProtocolException($"AUTH TLS: {ex.Message}", ex);
            }
        }

        await SetDataProtectionAsync(true, cancellationToken);
    }

    /// <summary>PBSZ 0 and PROT P (private) or PROT C (clear).</summary>
    public async Task SetDataProtectionAsync(bool @private, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("PBSZ 0", cancellationToken);
        await ExecuteAsync(@private ? "PROT P" : "PROT C", cancellationToken);
        ProtectData = @private;
    }

    /// <summary>FEAT's lines, each a feature ("UTF8", "MLST type*;size*;", "REST STREAM").</summary>
    public async Task<IReadOnlyList<string>> FeaturesAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendCommandAsync("FEAT", cancellationToken);
        return reply.Code == 211 ? [.. reply.Lines.Skip(1).Take(reply.Lines.Count - 2).Select(l => l.Trim())] : [];
    }

    public async Task<string> PwdAsync(CancellationToken cancellationToken = default) =>
        ParseQuotedPath((await ExecuteAsync("PWD", cancellationToken)).Text);

    public Task CwdAsync(string path, CancellationToken cancellationToken = default) =>
        path == ".." ? ExecuteAsync("CDUP", cancellationToken) : ExecuteAsync($"CWD {path}", cancellationToken);

    /// <summary>MKD; returns the path the server says it created.</summary>
    public async Task<string> MkdAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync($"MKD {path}", cancellationToken);
        return reply.Text.Contains('"', StringComparison.Ordinal) ? ParseQuotedPath(reply.Text) : path;
    }

    public Task RmdAsync(string path, CancellationToken cancellationToken = default) => ExecuteAsync($"RMD {path}", cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => ExecuteAsync($"DELE {path}", cancellationToken);

    public async Task RenameAsync(string from, string to, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync($"RNFR {from}", cancellationToken);
        if (reply.Code != 350)
        {
            throw new FtpCommandException($"RNFR {from}", reply);
        }

        await ExecuteAsync($"RNTO {to}", cancellationToken);
    }

    /// <summary>SIZE (in binary mode, so the number is bytes on the disk).</summary>
    public async Task<long> SizeAsync(string path, CancellationToken cancellationToken = default)
    {
        await SetTypeAsync("I", cancellationToken);
        var reply = await ExecuteAsync($"SIZE {path}", cancellationToken);
        return long.TryParse(reply.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new FtpProtocolException($"malformed SIZE reply: \"{reply.Text}\"");
    }

    /// <summary>MDTM: the file's modification time (UTC).</summary>
    public async Task<DateTimeOffset> ModifiedTimeAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync($"MDTM {path}", cancellationToken);
        return FtpFacts.TryParseTime(reply.Text.Trim(), out var time) ? time : throw new FtpProtocolException($"malformed MDTM reply: \"{reply.Text}\"");
    }

    /// <summary>MLST: one entry's facts, over the control connection.</summary>
    public async Task<FtpEntry> MlstAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync($"MLST {path}", cancellationToken);
        var line = reply.Lines.Skip(1).FirstOrDefault(l => l.StartsWith(' ')) ?? throw new FtpProtocolException("MLST reply without facts");
        return FtpFacts.Parse(line[1..]);
    }

    /// <summary>NLST: the names in a directory.</summary>
    public async Task<IReadOnlyList<string>> NlstAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var line in RetrLinesAsync(path is null ? "NLST" : $"NLST {path}", cancellationToken))
        {
            names.Add(line);
        }

        return names;
    }

    /// <summary>LIST, each line parsed (Unix or Windows format); lines that name no entry are skipped.</summary>
    public async Task<IReadOnlyList<FtpEntry>> ListAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var entries = new List<FtpEntry>();
        await foreach (var line in RetrLinesAsync(path is null ? "LIST" : $"LIST {path}", cancellationToken))
        {
            if (FtpListParser.Parse(line) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>MLSD: the entries of a directory with their facts ('.' and '..' left out).</summary>
    public async Task<IReadOnlyList<FtpEntry>> MlsdAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var entries = new List<FtpEntry>();
        await foreach (var line in RetrLinesAsync(path is null ? "MLSD" : $"MLSD {path}", cancellationToken))
        {
            var entry = FtpFacts.Parse(line);
            if (entry.Type is not (FtpEntryType.CurrentDirectory or FtpEntryType.ParentDirectory))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>Runs a command in ASCII mode and yields the lines of its data connection (ftplib's retrlines).</summary>
    public async IAsyncEnumerable<string> RetrLinesAsync(string command, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await SetTypeAsync("A", cancellationToken);
        await using var data = await OpenDataAsync(command, 0, writing: false, progress: null, cancellationToken);
        using var reader = new LineReader(data, maxLineLength: 64 * 1024);
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            if (line.Status == LineStatus.TooLong)
            {
                throw new FtpProtocolException("a listing line longer than 64 KiB");
            }

            if (line.Status == LineStatus.EndOfStream && line.Bytes.IsEmpty)
            {
                break;
            }

            yield return line.Text;
        }

        await data.CompleteAsync(cancellationToken);
    }

    /// <summary>RETR in binary mode, as a stream (starting at <paramref name="offset"/> via REST). Call <see cref="FtpDataStream.CompleteAsync"/> at its end.</summary>
    public async Task<FtpDataStream> OpenReadAsync(string path, long offset = 0, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await SetTypeAsync("I", cancellationToken);
        return await OpenDataAsync($"RETR {path}", offset, writing: false, progress, cancellationToken);
    }

    /// <summary>STOR (or APPE, or STOR after REST <paramref name="offset"/>) in binary mode, as a stream. The file is stored once <see cref="FtpDataStream.CompleteAsync"/> returns.</summary>
    public async Task<FtpDataStream> OpenWriteAsync(string path, long offset = 0, bool append = false, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await SetTypeAsync("I", cancellationToken);
        return await OpenDataAsync($"{(append ? "APPE" : "STOR")} {path}", offset, writing: true, progress, cancellationToken);
    }

    /// <summary>Downloads a file into <paramref name="destination"/> (ftplib's retrbinary); returns the bytes received.</summary>
    public async Task<long> DownloadAsync(string path, Stream destination, long offset = 0, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var data = await OpenReadAsync(path, offset, progress, cancellationToken);
        await data.CopyToAsync(destination, _options.TransferBufferSize, cancellationToken);
        await data.CompleteAsync(cancellationToken);
        return data.Transferred;
    }

    /// <summary>Uploads <paramref name="source"/> to a file (ftplib's storbinary); with an offset the server's file continues from there.</summary>
    public async Task<long> UploadAsync(string path, Stream source, long offset = 0, bool append = false, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var data = await OpenWriteAsync(path, offset, append, progress, cancellationToken);
        try
        {
            await source.CopyToAsync(data, _options.TransferBufferSize, cancellationToken);
        }
        catch (Exception ex) when (data.ConnectionLost)
        {
            // The server cut the upload short; its reply (452 for a full disk) is the error to report.
            await data.CompleteAsync(cancellationToken);
            throw new FtpProtocolException($"the data connection closed before the upload of {path} ended", ex);
        }

        await data.CompleteAsync(cancellationToken);
        return data.Transferred;
    }

    /// <summary>QUIT, then close.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await SendCommandAsync("QUIT", cancellationToken);
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _connection.DisposeAsync();
    }

    /// <summary>After a data connection has closed: the final reply (226).</summary>
    internal async Task<FtpReply> FinishTransferAsync(CancellationToken cancellationToken)
    {
        _transferOpen = false;
        var reply = await ReadReplyAsync(cancellationToken);
        return reply.IsFailure ? throw new FtpCommandException("(transfer)", reply) : reply;
    }

    /// <summary>A data stream dropped unfinished: ABOR, and read the replies up to the ABOR's own.</summary>
    internal async Task AbortTransferAsync(CancellationToken cancellationToken)
    {
        if (!_transferOpen)
        {
            return;
        }

        _transferOpen = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            await _writer.WriteLineAsync("ABOR", timeout.Token);
            // The transfer's own reply (226, 426, 452 ...), then ABOR's (225 or 226).
            var first = await ReadReplyAsync(timeout.Token);
            if (first.Code != 225)
            {
                await ReadReplyAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is FtpProtocolException or IOException or OperationCanceledException or SocketException)
        {
            // The control connection is in an unknown state; the next command will tell.
        }
    }

    private async Task SetTypeAsync(string type, CancellationToken cancellationToken)
    {
        if (_type != type)
        {
            await ExecuteAsync($"TYPE {type}", cancellationToken);
            _type = type;
        }
    }

    /// <summary>Arranges the data connection, sends the command (after REST when resuming) and opens the stream once the server says 150.</summary>
    private async Task<FtpDataStream> OpenDataAsync(string command, long offset, bool writing, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (_transferOpen)
        {
            throw new InvalidOperationException("Another transfer is still open on this connection.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        NetConnection? data = null;
        Socket? listener = null;
        try
        {
            if (_options.Passive)
            {
                data = await NetConnection.ConnectAsync(await PassiveEndPointAsync(cancellationToken), deadline.Token);
            }
            else
            {
                listener = await ListenActiveAsync(cancellationToken);
            }

            if (offset > 0)
            {
                var rest = await ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"REST {offset}"), cancellationToken);
                if (rest.Code != 350)
                {
                    throw new FtpCommandException($"REST {offset}", rest);
                }
            }

            var reply = await ExecuteAsync(command, cancellationToken);
            if (!reply.IsPreliminary)
            {
                throw new FtpProtocolException($"{command}: expected 150 or 125, the server said {reply.Code} {reply.Text}");
            }

            _transferOpen = true;
            if (listener is not null)
            {
                var socket = await listener.AcceptAsync(deadline.Token);
                data = new NetConnection(socket);
            }

            if (ProtectData)
            {
                await data!.UpgradeToClientTlsAsync(_host, _options.AcceptAnyCertificate, deadline.Token);
            }

            return new FtpDataStream(data!, this, writing, progress);
        }
        catch (Exception ex)
        {
            if (data is not null)
            {
                await data.DisposeAsync();
            }

            if (_transferOpen)
            {
                _transferOpen = false;
                try
                {
                    await ReadReplyAsync(CancellationToken.None);
                }
                catch (FtpProtocolException)
                {
                }
            }

            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new FtpProtocolException($"{command}: the data connection did not open within {_options.Timeout.TotalSeconds:0} s", ex);
            }

            if (ex is SocketException or IOException or NetKitException and not (FtpProtocolException or FtpCommandException))
            {
                // A refused data port (raw SocketException before) or a failed TLS handshake: say which transfer it was.
                throw new FtpProtocolException($"{command}: the data connection failed: {ex.Message}", ex);
            }

            throw;
        }
        finally
        {
            listener?.Dispose();
        }
    }

    /// <summary>EPSV, or PASV when the server does not know EPSV. The address is always the control connection's peer (a 227's address may be private or hostile).</summary>
    private async Task<IPEndPoint> PassiveEndPointAsync(CancellationToken cancellationToken)
    {
        var peer = (IPEndPoint)_connection.RemoteEndPoint!;
        if (!_epsvFailed)
        {
            var reply = await SendCommandAsync("EPSV", cancellationToken);
            if (reply.Code == 229 && FtpAddresses.TryParseExtendedPassiveReply(reply.Text, out var port))
            {
                return new IPEndPoint(peer.Address, port);
            }

            if (reply.Code is not (500 or 501 or 502 or 522))
            {
                throw reply.IsFailure ? new FtpCommandException("EPSV", reply) : new FtpProtocolException($"malformed EPSV reply: \"{reply.Text}\"");
            }

            _epsvFailed = true;
        }

        var pasv = await ExecuteAsync("PASV", cancellationToken);
        return FtpAddresses.TryParsePassiveReply(pasv.Text, out var endPoint)
            ? new IPEndPoint(peer.Address, endPoint.Port)
            : throw new FtpProtocolException($"malformed PASV reply: \"{pasv.Text}\"");
    }

    /// <summary>Active mode: listen on the control connection's local address and tell the server with EPRT (PORT for IPv4 servers that lack EPRT).</summary>
    private async Task<Socket> ListenActiveAsync(CancellationToken cancellationToken)
    {
        var local = ((IPEndPoint)_connection.LocalEndPoint!).Address;
        var listener = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(local, 0));
            listener.Listen(1);
            var endPoint = (IPEndPoint)listener.LocalEndPoint!;
            var reply = await SendCommandAsync($"EPRT {FtpAddresses.FormatExtended(endPoint)}", cancellationToken);
            if (reply.Code is 500 or 502 && (local.AddressFamily == AddressFamily.InterNetwork || local.IsIPv4MappedToIPv6))
            {
                reply = await SendCommandAsync($"PORT {FtpAddresses.FormatHostPort(endPoint)}", cancellationToken);
            }

            return reply.IsFailure ? throw new FtpCommandException("EPRT", reply) : listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task<FtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await FtpReplyParser.ReadAsync(_reader, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FtpProtocolException($"no reply from the server within {_options.Timeout.TotalSeconds:0} s", ex);
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex) && ex is not OperationCanceledException)
        {
            throw new FtpProtocolException($"the connection to the server broke: {ex.Message}", ex);
        }
    }

    /// <summary>257's path: the text between the first quote and its closing quote, doubled quotes undone.</summary>
    internal static string ParseQuotedPath(string text)
    {
        var start = text.IndexOf('"', StringComparison.Ordinal);
        if (start < 0)
        {
            throw new FtpProtocolException($"no quoted path in \"{text}\"");
        }

        var path = new System.Text.StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    path.Append('"');
                    i++;
                    continue;
                }

                return path.ToString();
            }

            path.Append(text[i]);
        }

        throw new FtpProtocolException($"unterminated quoted path in \"{text}\"");
    }
}
