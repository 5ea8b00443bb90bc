namespace NetKit.Smtp;

/// <summary>How the client, its exceptions and the CLI show a reply to a person.</summary>
public static class SmtpReplyExtensions
{
    /// <summary>A reply on one line for a person: "550 5.1.1 no such user".</summary>
    public static string Describe(this SmtpReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Status is { } status ? $"{reply.Code} {status} {reply.Text}" : $"{reply.Code} {reply.Text}";
    }
}
