using Microsoft.Extensions.Logging;

namespace NetKit.Ftp.Server;

/// <summary>The FTP server's log lines, with stable event ids (6xx).</summary>
internal static partial class FtpLog
{
    [LoggerMessage(600, LogLevel.Information, "ftp: {Remote} logged in as {User}")]
    public static partial void LoggedIn(ILogger logger, string remote, string user);

    [LoggerMessage(601, LogLevel.Warning, "ftp: {Remote} failed to log in as {User} ({Failures} failures)")]
    public static partial void LoginFailed(ILogger logger, string remote, string user, int failures);

    [LoggerMessage(602, LogLevel.Information, "ftp: {Remote} ({User}) {Transfer}: {Code}, {Bytes} bytes")]
    public static partial void TransferEnded(ILogger logger, string remote, string? user, string transfer, int code, long bytes);

    [LoggerMessage(603, LogLevel.Warning, "ftp: {Remote} ({User}) refused a path: {Reason}")]
    public static partial void PathRefused(ILogger logger, string remote, string? user, string reason);

    [LoggerMessage(604, LogLevel.Information, "ftp: {Remote}: no command within {Seconds} s; closing the control connection")]
    public static partial void TimedOut(ILogger logger, string remote, double seconds);
}
