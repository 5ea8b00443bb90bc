namespace NetKit.Smtp;

/// <summary>
/// The server said no to a command (a 4xx or 5xx reply). The connection is
/// still usable: the client has already reset any half-done transaction.
/// </summary>
public class SmtpCommandException(string message, SmtpReply reply) : NetKitException(message)
{
    public SmtpReply Reply { get; } = reply;

    public int Code => Reply.Code;

    public EnhancedStatusCode? Status => Reply.Status;

    /// <summary>4xx: the same message may succeed later.</summary>
    public bool IsTransient => Reply.IsTransientFailure;
}

/// <summary>Every recipient was refused, so no message was sent; each one's reply is here.</summary>
public sealed class SmtpRecipientsRefusedException(string message, IReadOnlyList<SmtpRecipientResult> recipients)
    : SmtpCommandException(message, recipients[0].Reply)
{
    public IReadOnlyList<SmtpRecipientResult> Recipients { get; } = recipients;
}

/// <summary>
/// Logging in failed: the server refused the credentials (<see cref="Reply"/> is its
/// answer, e.g. 535 5.7.8), the exchange was abandoned (a malformed challenge), or
/// no mechanism fits. The connection stays usable, except when a server claimed
/// success without proving it knows the password (SCRAM): then it has been closed.
/// </summary>
public sealed class SmtpAuthenticationException(string message, SmtpReply? reply = null, Exception? innerException = null)
    : NetKitException(message, innerException)
{
    public SmtpReply? Reply { get; } = reply;
}

/// <summary>
/// The client would not go on because it would be unsafe: STARTTLS required but
/// not offered or refused, or a password in the clear without permission.
/// </summary>
public sealed class SmtpSecurityException(string message) : NetKitException(message);

/// <summary>
/// The message cannot go to this server as it is (too big for its SIZE, 8-bit
/// content without 8BITMIME, UTF-8 addresses or headers without SMTPUTF8).
/// Found before MAIL FROM: nothing was sent and the connection is usable.
/// </summary>
public sealed class SmtpMessageNotSupportedException(string message) : NetKitException(message);

/// <summary>The server did not answer in time; the connection has been closed.</summary>
public sealed class SmtpTimeoutException(string message) : TimeoutException(message);
