using Microsoft.Extensions.Logging;

namespace NetKit.Pop3.Server;

/// <summary>The POP3 server's log lines, with stable event ids.</summary>
internal static partial class Pop3ServerLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "pop3 {Remote}: {User} logged in ({Messages} messages)")]
    public static partial void LoggedIn(ILogger logger, string remote, string user, int messages);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "pop3 {Remote}: login failed ({Reason})")]
    public static partial void LoginFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "pop3 {Remote}: maildrop of {User} in use")]
    public static partial void InUse(ILogger logger, string remote, string user);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "pop3 {Remote}: {User} quit, {Deleted} messages deleted")]
    public static partial void Updated(ILogger logger, string remote, string user, int deleted);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "pop3 {Remote}: deleting the messages of {User} failed")]
    public static partial void UpdateFailed(ILogger logger, Exception exception, string remote, string user);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "pop3 {Remote}: discarded {Bytes} bytes sent in plaintext after STLS")]
    public static partial void DiscardedAfterStls(ILogger logger, string remote, int bytes);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "pop3 {Remote}: closed after {Errors} errors")]
    public static partial void TooManyErrors(ILogger logger, string remote, int errors);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "pop3 {Remote}: autologout while waiting for {WaitingFor}")]
    public static partial void TimedOut(ILogger logger, string remote, string waitingFor);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "pop3 {Remote}: reading the maildrop of {User} failed")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string remote, string user);
}
