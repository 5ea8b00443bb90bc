using Microsoft.Extensions.Logging;

namespace NetKit.Smtp.Server;

/// <summary>The SMTP server's log lines, with stable event ids (3xx).</summary>
internal static partial class SmtpServerLog
{
    [LoggerMessage(300, LogLevel.Debug, "smtp: {Remote}: message of {Bytes} bytes from <{Sender}> to {Recipients} recipient(s) stored as {Id}")]
    public static partial void Stored(ILogger logger, string remote, int bytes, string sender, int recipients, string? id);

    [LoggerMessage(301, LogLevel.Error, "smtp: {Remote}: the store failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string remote);

    [LoggerMessage(302, LogLevel.Warning, "smtp: {Remote}: the message hook failed")]
    public static partial void HookFailed(ILogger logger, Exception exception, string remote);

    [LoggerMessage(303, LogLevel.Information, "smtp: {Remote}: {Errors} refused commands; closing")]
    public static partial void TooManyErrors(ILogger logger, string remote, int errors);

    [LoggerMessage(304, LogLevel.Information, "smtp: {Remote}: timed out waiting for {What}; closing")]
    public static partial void TimedOut(ILogger logger, string remote, string what);

    [LoggerMessage(305, LogLevel.Warning, "smtp: {Remote}: discarded {Bytes} bytes sent in plaintext after STARTTLS (command injection attempt?)")]
    public static partial void DiscardedAfterStartTls(ILogger logger, string remote, int bytes);

    [LoggerMessage(306, LogLevel.Information, "smtp: {Remote}: AUTH failed for {User}: {Reason}")]
    public static partial void AuthFailed(ILogger logger, string remote, string? user, string? reason);

    [LoggerMessage(307, LogLevel.Information, "smtp: {Remote}: authenticated as {User}")]
    public static partial void Authenticated(ILogger logger, string remote, string user);

    [LoggerMessage(308, LogLevel.Warning, "smtp: {Remote}: {Failures} failed AUTH attempts; closing")]
    public static partial void TooManyAuthFailures(ILogger logger, string remote, int failures);
}
