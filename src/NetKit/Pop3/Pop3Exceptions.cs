namespace NetKit.Pop3;

/// <summary>The server answered -ERR. The connection is still usable.</summary>
public sealed class Pop3CommandException(string command, Pop3Response response)
    : NetKitException($"POP3 server refused {command}: {Describe(response)}")
{
    /// <summary>The command, with any secret left out (e.g. "PASS").</summary>
    public string Command { get; } = command;

    public Pop3Response Response { get; } = response;

    /// <summary>The RFC 2449 response code, e.g. IN-USE or AUTH, when the server gave one.</summary>
    public string? Code => Response.Code;

    private static string Describe(Pop3Response response) => response switch
    {
        { Code: null, Text: "" } => "-ERR",
        { Code: null } => response.Text,
        _ => $"[{response.Code}] {response.Text}".TrimEnd(),
    };
}

/// <summary>The conversation broke: a malformed reply, a closed connection, a timeout. The connection is not usable any more.</summary>
public sealed class Pop3ProtocolException : NetKitException
{
    public Pop3ProtocolException(string message) : base(message) { }

    public Pop3ProtocolException(string message, Exception? innerException) : base(message, innerException) { }
}
