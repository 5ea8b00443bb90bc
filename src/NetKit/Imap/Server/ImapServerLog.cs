using Microsoft.Extensions.Logging;

namespace NetKit.Imap.Server;

/// <summary>The IMAP server's log lines, with stable event ids.</summary>
internal static partial class ImapServerLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "imap {Remote}: {User} logged in ({Mechanism})")]
    public static partial void LoggedIn(ILogger logger, string remote, string user, string mechanism);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "imap {Remote}: login failed ({Reason})")]
    public static partial void LoginFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "imap {Remote}: {Command} failed in the mail store: {Error}")]
    public static partial void StoreFailed(ILogger logger, string remote, string command, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "imap {Remote}: {Bytes} bytes sent in plaintext after STARTTLS were discarded")]
    public static partial void DiscardedAfterStartTls(ILogger logger, string remote, int bytes);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "imap {Remote}: no whole command within {Seconds} s; autologout")]
    public static partial void TimedOut(ILogger logger, string remote, double seconds);
}
