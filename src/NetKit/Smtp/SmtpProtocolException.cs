namespace NetKit.Smtp;

/// <summary>
/// The SMTP conversation broke: a malformed reply, a closed connection. Unlike
/// a refusal (a reply with a 4xx or 5xx code), the connection cannot be used further.
/// </summary>
public sealed class SmtpProtocolException(string message, Exception? innerException = null) : NetKitException(message, innerException);
