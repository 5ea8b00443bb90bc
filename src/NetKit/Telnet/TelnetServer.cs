using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport;

namespace NetKit.Telnet;

/// <summary>
/// Hosts a line-oriented application over Telnet: offers ECHO and SGA (character
/// mode, with the server editing lines), asks for TTYPE, NAWS and NEW-ENVIRON,
/// optionally logs the user in, then runs the application. Plugs into
/// <see cref="StreamServer"/> through <see cref="HandleAsync"/>.
/// </summary>
public sealed partial class TelnetServer
{
    private readonly TelnetServerOptions _options;
    private readonly TelnetApplication _application;
    private readonly ILogger _logger;
    private int _sessions;

    public TelnetServer(TelnetApplication application, TelnetServerOptions? options = null, ILogger? logger = null)
    {
        _application = application ?? throw new ArgumentNullException(nameof(application));
        _options = options ?? new TelnetServerOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Sessions open now.</summary>
    public int ActiveSessions => Volatile.Read(ref _sessions);

    public async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Interlocked.Increment(ref _sessions);
        try
        {
            var channel = new TelnetChannel(connection, TraceRole.Server, _options.Channel with
            {
                EditingCommandsAsData = true,
                AreYouThereReply = _options.Channel.AreYouThereReply ?? "\r\n[yes]\r\n",
            });
            var terminal = new TelnetTerminal(channel, _options.MaxLineLength) { LineTimeout = _options.CommandTimeout };
            // Offers only: a client that refuses (telnetlib refuses everything) stays in line mode.
            foreach (var option in new[] { TelnetOption.Echo, TelnetOption.SuppressGoAhead })
            {
                await channel.RequestAsync(TelnetSide.Local, option, true, stopping);
            }

            foreach (var option in new[] { TelnetOption.SuppressGoAhead, TelnetOption.TerminalType, TelnetOption.WindowSize, TelnetOption.NewEnvironment })
            {
                await channel.RequestAsync(TelnetSide.Remote, option, true, stopping);
            }

            await terminal.WriteLineAsync(_options.Banner, stopping);
            string? user = null;
            if (_options.Login is { } check)
            {
                user = await LoginAsync(terminal, check, connection.Remote, stopping);
                if (user is null)
                {
                    return;
                }
            }

            await _application(new TelnetSession(terminal, user, connection.Remote), stopping);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The client left or the server stops: nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _sessions);
        }
    }

    private async Task<string?> LoginAsync(TelnetTerminal terminal, TelnetPasswordCheck check, string remote, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= _options.MaxLoginAttempts; attempt++)
        {
            await terminal.WriteAsync("login: ", ct);
            var user = await terminal.ReadLineAsync(echo: true, ct);
            if (user is null)
            {
                return null;
            }

            await terminal.WriteAsync("Password: ", ct);
            var password = await terminal.ReadLineAsync(echo: false, ct);
            if (password is null)
            {
                return null;
            }

            if (user.Length > 0 && await check(user.Trim(), password, ct))
            {
                LogLogin(_logger, remote, user.Trim());
                return user.Trim();
            }

            LogLoginFailed(_logger, remote, attempt);
            await terminal.WriteLineAsync("Login incorrect", ct);
        }

        await terminal.WriteLineAsync("Too many failed logins; goodbye.", ct);
        return null;
    }

    [LoggerMessage(900, LogLevel.Information, "telnet: {Remote}: logged in as {User}")]
    private static partial void LogLogin(ILogger logger, string remote, string user);

    [LoggerMessage(901, LogLevel.Information, "telnet: {Remote}: login failed (attempt {Attempt})")]
    private static partial void LogLoginFailed(ILogger logger, string remote, int attempt);
}
