namespace NetKit.Mail;

/// <summary>The mail store refused or could not do what it was asked (a duplicate user, an invalid name, a failed commit).</summary>
public sealed class MailStoreException(string message, Exception? inner = null) : NetKitException(message, inner);
