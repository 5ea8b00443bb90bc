namespace NetKit.Ftp;

/// <summary>
/// The FTP conversation broke: a malformed reply, a closed control or data
/// connection, a timeout. Unlike <see cref="FtpCommandException"/>, the
/// connection cannot be used further.
/// </summary>
public sealed class FtpProtocolException(string message, Exception? innerException = null) : NetKitException(message, innerException);
