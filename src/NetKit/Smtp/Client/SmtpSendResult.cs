namespace NetKit.Smtp;

/// <summary>What the server said to one RCPT TO.</summary>
public sealed record SmtpRecipientResult(string Address, SmtpReply Reply)
{
    public bool Accepted => Reply.IsSuccess;
}

/// <summary>
/// A message the server took: its final reply (often with a queue id) and the
/// answer to each recipient. Refused recipients did not get the message; the
/// accepted ones did.
/// </summary>
public sealed record SmtpSendResult(SmtpReply Reply, IReadOnlyList<SmtpRecipientResult> Recipients)
{
    public IEnumerable<SmtpRecipientResult> Accepted => Recipients.Where(r => r.Accepted);

    public IEnumerable<SmtpRecipientResult> Refused => Recipients.Where(r => !r.Accepted);

    public bool AllAccepted => Recipients.All(r => r.Accepted);
}
