namespace NetKit.Ftp.Server;

/// <summary>A path the session will not touch: outside the jail, malformed, or too long. Answered with 550.</summary>
public sealed class FtpPathException(string message) : NetKitException(message);
