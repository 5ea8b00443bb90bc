namespace NetKit.Imap;

/// <summary>
/// A command that does not follow the IMAP grammar. The server answers it with BAD and goes on;
/// <see cref="Code"/> is a response code to send with it (e.g. "TOOBIG"), if any.
/// </summary>
public sealed class ImapParseException(string message, string? code = null) : NetKitException(message)
{
    public string? Code { get; } = code;
}
