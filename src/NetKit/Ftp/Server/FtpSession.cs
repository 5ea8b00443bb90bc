using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.IO;
using NetKit.Transport;

namespace NetKit.Ftp.Server;

/// <summary>
/// One FTP control connection (RFC 959, with RFC 2228/4217 TLS, 2389, 2428,
/// 2640 and 3659): reads commands, answers them, and runs at most one
/// transfer at a time beside the command loop so that ABOR, STAT and NOOP
/// are heard while data flows. Its state is <see cref="State"/>; every file
/// name goes through the user's <see cref="FtpJail"/>.
/// </summary>
public sealed partial class FtpSession : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly NetConnection _connection;
    private readonly FtpServerOptions _options;
    private readonly LineReader _reader;
    private readonly LineWriter _writer;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _deadline;
    private Task<LineResult>? _pendingLine;
    private string? _pendingUser;
    private int _failedLogins;
    private FtpJail? _jail;
    private string _cwd = "/";
    private bool _readOnly;
    private bool _binary;
    private long _restOffset;
    private string? _renameFrom;
    private bool _protectData;
    private bool _pbszGiven;
    private bool _extendedPassiveOnly;
    private FtpDataChannel? _data;
    private RunningTransfer? _transfer;

    private FtpSession(NetConnection connection, FtpServerOptions options, ILogger logger, CancellationToken stopping)
    {
        _logger = logger;
        _connection = connection;
        _options = options;
        _stopping = stopping;
        _reader = new LineReader(connection, options.MaxLineLength);
        _writer = new LineWriter(connection);
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (connection.Trace is { } trace)
        {
            trace.Redact = FtpRequest.Redact;
        }

        // Implicit FTPS: TLS from the first byte, and data protected unless the client says PROT C.
        _protectData = _pbszGiven = connection.IsTls;
    }

    public FtpSessionState State { get; private set; } = FtpSessionState.NeedUser;

    /// <summary>The logged-in user's name ("anonymous" for anonymous access).</summary>
    public string? UserName { get; private set; }

    /// <summary>A <see cref="ConnectionHandler"/> serving FTP with these options; logins, transfers and refused paths are logged.</summary>
    public static ConnectionHandler Handler(FtpServerOptions options, ILogger? logger = null)
    {
        Directory.CreateDirectory(options.Root);
        return async (connection, stopping) =>
        {
            using var session = new FtpSession(connection, options, logger ?? NullLogger.Instance, stopping);
            await session.RunAsync();
        };
    }

    /// <summary>What a connection over the server's limits hears before it is closed.</summary>
    public static async Task RejectAsync(NetConnection connection, CancellationToken cancellationToken) =>
        await new LineWriter(connection).WriteLineAsync("421 Too many connections; try again later.", cancellationToken);

    public void Dispose()
    {
        _transfer?.Cancel.Cancel();
        _data?.Dispose();
        _reader.Dispose();
        _deadline.Dispose();
    }

    private async Task RunAsync()
    {
        await ReplyAsync(220, _options.Greeting);
        try
        {
            while (State != FtpSessionState.Closed)
            {
                // The control connection's deadline runs from the last command or the end of the last
                // transfer; while a transfer runs it is paused, as vsftpd and pyftpdlib do.
                _deadline.CancelAfter(_transfer is null ? _options.CommandTimeout : Timeout.InfiniteTimeSpan);
                _pendingLine ??= _reader.ReadLineAsync(_deadline.Token).AsTask();
                if (_transfer is { } transfer)
                {
                    // The transfer first: when both are done, its 226 comes before the answer to the next command.
                    var first = await Task.WhenAny(transfer.Task, _pendingLine);
                    if (first == transfer.Task)
                    {
                        await FinishTransferAsync();
                        continue;
                    }
                }

                var line = await _pendingLine;
                _pendingLine = null;
                _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                switch (line.Status)
                {
                    case LineStatus.EndOfStream:
                        await AbandonTransferAsync();
                        return;
                    case LineStatus.TooLong:
                        await ReplyAsync(500, "Command line too long.");
                        continue;
                }

                await HandleLineAsync(line.Bytes);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await AbandonTransferAsync();
            await ReplyAsync(421, "Server shutting down.", CancellationToken.None);
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested)
        {
            FtpLog.TimedOut(_logger, _connection.Remote, _options.CommandTimeout.TotalSeconds);
            await LastWords.TrySayAsync(ct => ReplyAsync(421, $"Timeout: no command for {_options.CommandTimeout.TotalSeconds:0.###} seconds; closing control connection.", ct));
        }
        finally
        {
            // However the control connection ended (QUIT, reset, error), an upload in flight is thrown away.
            await AbandonTransferAsync();
        }
    }

    private async Task HandleLineAsync(ReadOnlyMemory<byte> bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(StripTelnet(bytes.Span));
        }
        catch (DecoderFallbackException)
        {
            // RFC 2640: paths are UTF-8. Bytes that are not cannot name a file here.
            await ReplyAsync(IsPathVerb(bytes.Span) ? 550 : 501, "Invalid UTF-8 in the command.");
            return;
        }

        if (!FtpRequest.TryParse(text, out var request))
        {
            await ReplyAsync(500, "Syntax error, command unrecognized.");
            return;
        }

        if (_transfer is not null)
        {
            await HandleDuringTransferAsync(request);
            return;
        }

        // RNFR's and REST's effect lasts for the next command only.
        var renameFrom = _renameFrom;
        _renameFrom = null;
        var rest = _restOffset;
        _restOffset = 0;
        try
        {
            await DispatchAsync(request, renameFrom, rest);
        }
        catch (FtpPathException ex)
        {
            FtpLog.PathRefused(_logger, _connection.Remote, UserName, ex.Message);
            await ReplyAsync(550, ex.Message + ".");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException && ex.InnerException is not System.Net.Sockets.SocketException))
        {
            await ReplyAsync(DiskFull.Caused(ex) ? 452 : 550, Describe(ex));
        }
    }

    private async Task DispatchAsync(FtpRequest request, string? renameFrom, long rest)
    {
        var argument = request.Argument;
        switch (request.Verb)
        {
            case "USER": await UserAsync(argument); return;
            case "PASS": await PassAsync(argument); return;
            case "QUIT":
                State = FtpSessionState.Closed;
                await ReplyAsync(221, "Goodbye.");
                return;
            case "NOOP": await ReplyAsync(200, "OK."); return;
            case "SYST": await ReplyAsync(215, "UNIX Type: L8"); return;
            case "FEAT": await ReplyAsync(new FtpReply(211, Features())); return;
            case "HELP": await ReplyAsync(new FtpReply(214, ["The following commands are recognized:", .. HelpLines(), "Help OK."])); return;
            case "OPTS": await OptsAsync(argument); return;
            case "AUTH": await AuthAsync(argument); return;
            case "PBSZ": await PbszAsync(argument); return;
            case "PROT": await ProtAsync(argument); return;
            case "ACCT": await ReplyAsync(202, "ACCT not needed."); return;
            case "ALLO": await ReplyAsync(202, "No storage allocation necessary."); return;
            case "ABOR": await ReplyAsync(225, "No transfer to abort."); return;
        }

        if (!KnownVerbs.Contains(request.Verb))
        {
            await ReplyAsync(500, $"Unknown command {request.Verb}.");
            return;
        }

        if (State != FtpSessionState.LoggedIn)
        {
            await ReplyAsync(530, "Please log in with USER and PASS.");
            return;
        }

        if (NeedsArgument.Contains(request.Verb) && argument.Length == 0)
        {
            await ReplyAsync(501, $"{request.Verb} needs an argument.");
            return;
        }

        if (WritingVerbs.Contains(request.Verb) && _readOnly)
        {
            await ReplyAsync(550, "Permission denied (read-only access).");
            return;
        }

        switch (request.Verb)
        {
            case "PWD" or "XPWD": await ReplyAsync(257, $"{Quote(_cwd)} is the current directory."); return;
            case "CWD" or "XCWD": await ChangeDirectoryAsync(argument); return;
            case "CDUP" or "XCUP": await ChangeDirectoryAsync(_cwd == "/" ? "/" : ".."); return;
            case "MKD" or "XMKD": await MakeDirectoryAsync(argument); return;
            case "RMD" or "XRMD": await RemoveDirectoryAsync(argument); return;
            case "DELE": await DeleteAsync(argument); return;
            case "RNFR": await RenameFromAsync(argument); return;
            case "RNTO": await RenameToAsync(renameFrom, argument); return;
            case "SIZE": await SizeAsync(argument); return;
            case "MDTM": await ModifiedAsync(argument); return;
            case "MLST": await MlstAsync(argument); return;
            case "STAT": await StatAsync(argument); return;
            case "SITE": await SiteAsync(argument); return;
            case "TYPE": await TypeAsync(argument); return;
            case "MODE": await ReplyAsync(argument.Equals("S", StringComparison.OrdinalIgnoreCase) ? 200 : 504, argument.Equals("S", StringComparison.OrdinalIgnoreCase) ? "Mode set to S." : "Only MODE S (stream) is supported."); return;
            case "STRU": await ReplyAsync(argument.Equals("F", StringComparison.OrdinalIgnoreCase) ? 200 : 504, argument.Equals("F", StringComparison.OrdinalIgnoreCase) ? "Structure set to F." : "Only STRU F (file) is supported."); return;
            case "REST": await RestAsync(argument); return;
            case "PASV": await PassiveAsync(extended: false, argument); return;
            case "EPSV": await PassiveAsync(extended: true, argument); return;
            case "PORT": await ActiveAsync(extended: false, argument); return;
            case "EPRT": await ActiveAsync(extended: true, argument); return;
            case "RETR": await StartRetrieveAsync(argument, rest); return;
            case "STOR": await StartStoreAsync(argument, rest, StoreKind.Replace); return;
            case "APPE": await StartStoreAsync(argument, 0, StoreKind.Append); return;
            case "STOU": await StartStoreAsync(argument, 0, StoreKind.Unique); return;
            case "LIST": await StartListAsync(ListKind.Long, argument); return;
            case "NLST": await StartListAsync(ListKind.Names, argument); return;
            case "MLSD": await StartListAsync(ListKind.Facts, argument); return;
        }

        await ReplyAsync(502, $"{request.Verb} not implemented.");
    }

    private static readonly HashSet<string> KnownVerbs =
    [
        "PWD", "XPWD", "CWD", "XCWD", "CDUP", "XCUP", "MKD", "XMKD", "RMD", "XRMD", "DELE", "RNFR", "RNTO",
        "SIZE", "MDTM", "MLST", "MLSD", "STAT", "SITE", "TYPE", "MODE", "STRU", "REST", "PASV", "EPSV",
        "PORT", "EPRT", "RETR", "STOR", "APPE", "STOU", "LIST", "NLST", "REIN", "SMNT",
    ];

    private static readonly HashSet<string> NeedsArgument =
    [
        "CWD", "XCWD", "MKD", "XMKD", "RMD", "XRMD", "DELE", "RNFR", "RNTO", "SIZE", "MDTM", "SITE",
        "TYPE", "MODE", "STRU", "REST", "PORT", "EPRT", "RETR", "STOR", "APPE",
    ];

    private static readonly HashSet<string> WritingVerbs =
    [
        "MKD", "XMKD", "RMD", "XRMD", "DELE", "RNFR", "RNTO", "STOR", "APPE", "STOU", "SITE",
    ];

    private static readonly string[] PathVerbs =
    [
        "CWD", "XCWD", "MKD", "XMKD", "RMD", "XRMD", "DELE", "RNFR", "RNTO", "SIZE", "MDTM", "MLST", "MLSD",
        "STAT", "RETR", "STOR", "APPE", "STOU", "LIST", "NLST",
    ];

    private static bool IsPathVerb(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var verb = Encoding.ASCII.GetString(space < 0 ? line : line[..space]).ToUpperInvariant();
        return PathVerbs.Contains(verb);
    }

    private async Task UserAsync(string name)
    {
        if (State == FtpSessionState.LoggedIn)
        {
            await ReplyAsync(530, "Already logged in.");
            return;
        }

        if (name.Length == 0)
        {
            await ReplyAsync(501, "USER needs a name.");
            return;
        }

        _pendingUser = name;
        State = FtpSessionState.NeedPassword;
        await ReplyAsync(331, IsAnonymous(name) && _options.AllowAnonymous
            ? "Anonymous login ok, send your e-mail address as the password."
            : $"Password required for {name}.");
    }

    private async Task PassAsync(string password)
    {
        if (State == FtpSessionState.LoggedIn)
        {
            await ReplyAsync(503, "Already logged in.");
            return;
        }

        if (State != FtpSessionState.NeedPassword || _pendingUser is null)
        {
            await ReplyAsync(503, "Login with USER first.");
            return;
        }

        var user = _pendingUser;
        _pendingUser = null;
        string? root = null;
        if (IsAnonymous(user) && _options.AllowAnonymous)
        {
            root = Path.Combine(_options.Root, "pub");
            UserName = "anonymous";
            _readOnly = true;
        }
        else if (_options.Authenticate is { } authenticate
                 && await authenticate(user, password, _stopping) is { } name
                 && name is not ("." or "..") && !name.Contains('/', StringComparison.Ordinal) && !name.Contains('\\', StringComparison.Ordinal))
        {
            root = Path.Combine(_options.Root, name);
            UserName = name;
        }

        if (root is null)
        {
            State = FtpSessionState.NeedUser;
            FtpLog.LoginFailed(_logger, _connection.Remote, user, ++_failedLogins);
            await Task.Delay(_options.FailedLoginDelay, _stopping);
            if (_failedLogins >= _options.MaxFailedLogins)
            {
                State = FtpSessionState.Closed;
                await ReplyAsync(421, "Too many failed logins; closing.");
                return;
            }

            await ReplyAsync(530, "Login incorrect.");
            return;
        }

        Directory.CreateDirectory(root);
        _jail = new FtpJail(root);
        _cwd = "/";
        State = FtpSessionState.LoggedIn;
        FtpLog.LoggedIn(_logger, _connection.Remote, UserName!);
        await ReplyAsync(230, _readOnly ? "Anonymous access granted, read-only." : $"User {UserName} logged in.");
    }

    private static bool IsAnonymous(string name) =>
        name.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || name.Equals("ftp", StringComparison.OrdinalIgnoreCase);

    private async Task OptsAsync(string argument)
    {
        var option = argument.Split(' ', 2);
        switch (option[0].ToUpperInvariant())
        {
            case "UTF8" or "UTF-8":
                // Names are always UTF-8 here (RFC 2640); ON is what every client asks for.
                await ReplyAsync(option.Length < 2 || option[1].Equals("ON", StringComparison.OrdinalIgnoreCase) ? 200 : 504,
                    option.Length < 2 || option[1].Equals("ON", StringComparison.OrdinalIgnoreCase) ? "UTF8 mode on." : "UTF8 cannot be switched off.");
                return;
            case "MLST":
                await ReplyAsync(200, $"MLST OPTS {string.Concat(FtpFacts.Supported.Select(f => f + ";"))}");
                return;
            default:
                await ReplyAsync(501, "Option not understood.");
                return;
        }
    }

    private async Task AuthAsync(string mechanism)
    {
        if (_options.Certificate is null)
        {
            await ReplyAsync(502, "TLS is not configured on this server.");
            return;
        }

        if (!mechanism.Equals("TLS", StringComparison.OrdinalIgnoreCase) && !mechanism.Equals("SSL", StringComparison.OrdinalIgnoreCase)
            && !mechanism.Equals("TLS-C", StringComparison.OrdinalIgnoreCase))
        {
            await ReplyAsync(504, "Only AUTH TLS is supported.");
            return;
        }

        if (_connection.IsTls)
        {
            await ReplyAsync(503, "TLS is already on.");
            return;
        }

        await ReplyAsync(234, "Proceed with TLS negotiation.");
        // Anything sent in plaintext before the handshake is thrown away, never run as if sent over TLS.
        if (!await StartTls.UpgradeServerAsync(_connection, _reader, _options.Certificate, _options.DataConnectionTimeout, "AUTH TLS", _ => { }, _stopping))
        {
            State = FtpSessionState.Closed; // no way back to plaintext
        }
    }

    private async Task PbszAsync(string size)
    {
        if (!_connection.IsTls)
        {
            await ReplyAsync(503, "PBSZ needs AUTH TLS first.");
            return;
        }

        _pbszGiven = true;
        await ReplyAsync(200, "PBSZ=0");
    }

    private async Task ProtAsync(string level)
    {
        if (!_connection.IsTls || !_pbszGiven)
        {
            await ReplyAsync(503, "PROT needs AUTH TLS and PBSZ first.");
            return;
        }

        switch (level.ToUpperInvariant())
        {
            case "P":
                _protectData = true;
                await ReplyAsync(200, "Protection level set to Private.");
                return;
            case "C":
                _protectData = false;
                await ReplyAsync(200, "Protection level set to Clear.");
                return;
            case "S" or "E":
                await ReplyAsync(536, "Only PROT C and PROT P are supported.");
                return;
            default:
                await ReplyAsync(504, "Unknown protection level.");
                return;
        }
    }

    private async Task TypeAsync(string argument)
    {
        var parts = argument.ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["I"] or ["L", "8"]:
                _binary = true;
                await ReplyAsync(200, "Type set to I.");
                return;
            case ["A"] or ["A", "N"]:
                _binary = false;
                await ReplyAsync(200, "Type set to A.");
                return;
            default:
                await ReplyAsync(504, $"Type {argument} not supported.");
                return;
        }
    }

    private async Task RestAsync(string argument)
    {
        if (!long.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            await ReplyAsync(501, "REST needs a byte offset.");
            return;
        }

        _restOffset = offset;
        await ReplyAsync(350, $"Restarting at {offset}. Send STOR or RETR.");
    }

    private IReadOnlyList<string> Features()
    {
        var lines = new List<string> { "Features:" };
        if (_options.Certificate is not null)
        {
            lines.AddRange([" AUTH TLS", " PBSZ", " PROT"]);
        }

        lines.AddRange([" EPRT", " EPSV", " MDTM", " MLST " + string.Concat(FtpFacts.Supported.Select(f => f + "*;")), " REST STREAM", " SIZE", " TVFS", " UTF8", "End"]);
        return lines;
    }

    private static IEnumerable<string> HelpLines() =>
        KnownVerbs.Concat(["USER", "PASS", "QUIT", "NOOP", "SYST", "FEAT", "HELP", "OPTS", "AUTH", "PBSZ", "PROT", "ABOR", "ACCT", "ALLO"])
            .Where(v => v is not ("REIN" or "SMNT")).Order(StringComparer.Ordinal).Chunk(8).Select(c => " " + string.Join(' ', c));

    /// <summary>RFC 959's 257 quoting: the path in double quotes, quotes inside doubled.</summary>
    private static string Quote(string path) => "\"" + path.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Drops Telnet commands (IAC IP, IAC DM that clients send before ABOR); IAC IAC is a literal 0xFF.</summary>
    private static byte[] StripTelnet(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf((byte)0xff) < 0)
        {
            return line.ToArray();
        }

        var result = new List<byte>(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == 0xff && i + 1 < line.Length)
            {
                i++;
                if (line[i] == 0xff)
                {
                    result.Add(0xff);
                }

                continue;
            }

            result.Add(line[i]);
        }

        return [.. result];
    }

    private static string Describe(Exception ex) => ex switch
    {
        _ when DiskFull.Caused(ex) => "Insufficient storage space.",
        UnauthorizedAccessException => "Permission denied.",
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory.",
        _ => "Action failed: " + ex.Message.Replace('\r', ' ').Replace('\n', ' '),
    };

    private ValueTask ReplyAsync(int code, string text) => ReplyAsync(new FtpReply(code, text), _stopping);

    private ValueTask ReplyAsync(int code, string text, CancellationToken cancellationToken) => ReplyAsync(new FtpReply(code, text), cancellationToken);

    private ValueTask ReplyAsync(FtpReply reply) => ReplyAsync(reply, _stopping);

    private async ValueTask ReplyAsync(FtpReply reply, CancellationToken cancellationToken)
    {
        foreach (var line in reply.ToWireLines())
        {
            await _writer.WriteLineAsync(line, cancellationToken);
        }
    }

    private IPAddress PeerAddress => (_connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.Loopback;

    private IPAddress LocalAddress => (_connection.LocalEndPoint as IPEndPoint)?.Address ?? IPAddress.Loopback;
}
