namespace NetKit.Smtp;

/// <summary>The BODY parameter of MAIL (RFC 6152 8BITMIME, RFC 3030 BINARYMIME).</summary>
public enum SmtpBodyType
{
    SevenBit,
    EightBitMime,

    /// <summary>Binary content: only BDAT can carry it.</summary>
    BinaryMime,
}

/// <summary>DSN's RET parameter (RFC 3461 4.3): what a bounce should carry.</summary>
public enum SmtpDsnReturn
{
    Full,
    Headers,
}

/// <summary>DSN's NOTIFY parameter (RFC 3461 4.1); <see cref="None"/> when the client did not give it.</summary>
[Flags]
public enum SmtpDsnNotify
{
    None = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}

/// <summary>
/// <c>MAIL FROM:&lt;path&gt; [parameters]</c>. <see cref="ReversePath"/> is null for
/// the null reverse-path <c>&lt;&gt;</c> (bounces).
/// </summary>
public sealed record SmtpMailCommand(
    SmtpMailbox? ReversePath,
    long? Size = null,
    SmtpBodyType Body = SmtpBodyType.SevenBit,
    bool SmtpUtf8 = false,
    SmtpDsnReturn? Return = null,
    string? EnvelopeId = null,
    string? Auth = null)
{
    /// <summary>The reverse-path as text, empty for <c>&lt;&gt;</c>.</summary>
    public string ReversePathText => ReversePath?.Address ?? string.Empty;
}

/// <summary><c>RCPT TO:&lt;path&gt; [parameters]</c>; <see cref="OriginalRecipient"/> is ORCPT as given (<c>rfc822;bob@example.com</c>), decoded from xtext.</summary>
public sealed record SmtpRcptCommand(SmtpMailbox Recipient, SmtpDsnNotify Notify = SmtpDsnNotify.None, string? OriginalRecipient = null);
