namespace NetKit.Telnet;

/// <summary>Checks a user name and password (e.g. against the mail store's users).</summary>
public delegate Task<bool> TelnetPasswordCheck(string user, string password, CancellationToken cancellationToken);

/// <summary>How <see cref="TelnetServer"/> greets, logs in and limits its clients.</summary>
public sealed record TelnetServerOptions
{
    /// <summary>The default port of `netkit serve telnet` (23 needs root).</summary>
    public const int DefaultPort = 2323;

    public string Banner { get; init; } = "NetKit telnet console. Type help.";

    /// <summary>When set, a login prompt comes first and the user must pass this check.</summary>
    public TelnetPasswordCheck? Login { get; init; }

    /// <summary>Wrong logins before the connection is closed.</summary>
    public int MaxLoginAttempts { get; init; } = 3;

    public int MaxLineLength { get; init; } = 1024;

    /// <summary>
    /// The time a client has to send one whole line (a command, a login name, a password); past it
    /// the console says "idle for too long; goodbye" and closes. Shorter by default than the
    /// transport's idle timeout (5 minutes), which closes without a word.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Limits and policy of the protocol engine; the server's own settings (AYT, editing commands) are added to it.</summary>
    public TelnetChannelOptions Channel { get; init; } = new();
}

/// <summary>A line-oriented application behind Telnet: runs for one session, ends when it returns.</summary>
public delegate Task TelnetApplication(TelnetSession session, CancellationToken cancellationToken);

/// <summary>One logged-in client: its terminal and what it told us about itself.</summary>
public sealed record TelnetSession(TelnetTerminal Terminal, string? User, string Remote)
{
    public TelnetChannel Channel => Terminal.Channel;
}
