namespace NetKit.Ftp;

/// <summary>The server refused a command with a 4xx or 5xx reply; the connection is still usable.</summary>
public sealed class FtpCommandException(string command, FtpReply reply)
    : NetKitException($"{command}: the server said {reply.Code} {reply.Text}")
{
    /// <summary>The command as sent (a password shows as PASS ********).</summary>
    public string Command { get; } = command;

    public FtpReply Reply { get; } = reply;

    public int Code => Reply.Code;
}
