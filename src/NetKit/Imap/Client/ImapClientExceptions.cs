namespace NetKit.Imap;

/// <summary>The server answered a command with NO or BAD; the connection is still usable.</summary>
public sealed class ImapCommandException(string message, ImapResponse response) : NetKitException(message)
{
    public ImapResponse Response { get; } = response;

    public ImapStatus Status => Response.Status ?? ImapStatus.Bad;

    /// <summary>The response code ("TRYCREATE", "AUTHENTICATIONFAILED" ...), if the server gave one.</summary>
    public string? Code => Response.Code;
}

/// <summary>The conversation broke: a malformed response, a BYE, or the connection closed. The client is unusable.</summary>
public sealed class ImapProtocolException(string message, Exception? innerException = null) : NetKitException(message, innerException);
