namespace NetKit.Nntp;

/// <summary>The server said no (a 4xx or 5xx reply); the connection is still usable.</summary>
public sealed class NntpCommandException(NntpResponse response, string command)
    : NetKitException($"{command}: {response}")
{
    public NntpResponse Response { get; } = response;

    public int Code => Response.Code;
}

/// <summary>The conversation broke (a reply that is not NNTP, a closed connection): the connection is closed.</summary>
public sealed class NntpProtocolException(string message, Exception? inner = null) : NetKitException(message, inner);
