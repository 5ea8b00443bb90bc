using Microsoft.Extensions.Logging;

namespace NetKit.Nntp.Server;

/// <summary>
/// The NNTP server's log lines, with stable event ids (8xx), worded as the SMTP server's are;
/// connections opening, closing and failing are the transport's (StreamServer, 1xx).
/// </summary>
internal static partial class NntpServerLog
{
    [LoggerMessage(800, LogLevel.Debug, "nntp: {Remote}: article {MessageId} of {Bytes} bytes stored in {Groups}")]
    public static partial void Stored(ILogger logger, string remote, string messageId, int bytes, string groups);

    [LoggerMessage(801, LogLevel.Error, "nntp: {Remote}: the news store failed")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string remote);

    [LoggerMessage(802, LogLevel.Information, "nntp: {Remote}: {Command} refused: {Reason}")]
    public static partial void ArticleRefused(ILogger logger, string remote, string command, string reason);

    [LoggerMessage(803, LogLevel.Information, "nntp: {Remote}: {Errors} refused commands; closing")]
    public static partial void TooManyErrors(ILogger logger, string remote, int errors);

    [LoggerMessage(804, LogLevel.Information, "nntp: {Remote}: timed out waiting for a command; closing")]
    public static partial void TimedOut(ILogger logger, string remote);

    [LoggerMessage(805, LogLevel.Warning, "nntp: {Remote}: discarded {Bytes} bytes sent in plaintext after STARTTLS (command injection attempt?)")]
    public static partial void DiscardedAfterStartTls(ILogger logger, string remote, int bytes);

    [LoggerMessage(806, LogLevel.Information, "nntp: {Remote}: AUTHINFO failed for {User}: {Reason}")]
    public static partial void AuthFailed(ILogger logger, string remote, string? user, string? reason);

    [LoggerMessage(807, LogLevel.Information, "nntp: {Remote}: authenticated as {User}")]
    public static partial void Authenticated(ILogger logger, string remote, string user);

    [LoggerMessage(808, LogLevel.Warning, "nntp: {Remote}: {Failures} failed AUTHINFO attempts; closing")]
    public static partial void TooManyAuthFailures(ILogger logger, string remote, int failures);
}
