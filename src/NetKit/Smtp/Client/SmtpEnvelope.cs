namespace NetKit.Smtp;

/// <summary>One envelope recipient (RCPT TO), with its DSN parameters.</summary>
public sealed record SmtpEnvelopeRecipient
{
    public SmtpEnvelopeRecipient(string address, SmtpDsnNotify notify = SmtpDsnNotify.None, string? originalRecipient = null)
    {
        SmtpEnvelope.CheckAddress(address, nameof(address), allowEmpty: false);
        if (notify.HasFlag(SmtpDsnNotify.Never) && notify != SmtpDsnNotify.Never)
        {
            throw new ArgumentException("NOTIFY=NEVER cannot be combined with SUCCESS, FAILURE or DELAY.", nameof(notify));
        }

        Address = address;
        Notify = notify;
        OriginalRecipient = originalRecipient;
    }

    public string Address { get; }

    public SmtpDsnNotify Notify { get; }

    /// <summary>ORCPT: the address as the user first wrote it (sent as rfc822;xtext when the server offers DSN).</summary>
    public string? OriginalRecipient { get; }

    public static implicit operator SmtpEnvelopeRecipient(string address) => new(address);

    public override string ToString() => Address;
}

/// <summary>
/// The SMTP envelope: the reverse path (MAIL FROM; empty for a bounce) and the
/// recipients (RCPT TO), which need not be the message's From/To headers.
/// DSN parameters are sent only when the server announces DSN.
/// </summary>
public sealed record SmtpEnvelope
{
    public SmtpEnvelope(string from, IEnumerable<SmtpEnvelopeRecipient> recipients, SmtpDsnReturn? dsnReturn = null, string? envelopeId = null)
    {
        CheckAddress(from, nameof(from), allowEmpty: true);
        ArgumentNullException.ThrowIfNull(recipients);
        From = from;
        Recipients = recipients.ToArray();
        if (Recipients.Count == 0)
        {
            throw new ArgumentException("An envelope needs at least one recipient.", nameof(recipients));
        }

        if (envelopeId is not null && (envelopeId.Length == 0 || envelopeId.Length > 100))
        {
            throw new ArgumentException("ENVID must be 1 to 100 characters (RFC 3461 4.4).", nameof(envelopeId));
        }

        DsnReturn = dsnReturn;
        EnvelopeId = envelopeId;
    }

    public SmtpEnvelope(string from, params string[] recipients)
        : this(from, recipients.Select(r => new SmtpEnvelopeRecipient(r)))
    {
    }

    /// <summary>The reverse path without angle brackets; "" is the null reverse path of a bounce.</summary>
    public string From { get; }

    public IReadOnlyList<SmtpEnvelopeRecipient> Recipients { get; }

    /// <summary>RET: what a bounce should carry; null leaves it to the server.</summary>
    public SmtpDsnReturn? DsnReturn { get; }

    /// <summary>ENVID: the sender's own identifier for this message, echoed in DSNs.</summary>
    public string? EnvelopeId { get; }

    /// <summary>
    /// An address goes inside "&lt;...&gt;" on a command line: a line break, a
    /// control character or an angle bracket in it would let the address
    /// smuggle a command of its own, so those are refused here.
    /// </summary>
    internal static void CheckAddress(string address, string parameter, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(address, parameter);
        if (address.Length == 0 && !allowEmpty)
        {
            throw new ArgumentException("An address cannot be empty.", parameter);
        }

        var at = address.LastIndexOf('@');
        if (address.Length > 0 && at <= 0)
        {
            throw new ArgumentException($"Not an SMTP address (no local part and @): \"{address}\".", parameter);
        }

        // A space may stand only inside a quoted local part ("john doe"@example.org).
        var quoted = at > 1 && address[0] == '"' && address[at - 1] == '"';
        for (var i = 0; i < address.Length; i++)
        {
            var c = address[i];
            if (c < 0x20 || c == 0x7f || c is '<' or '>' || (c == ' ' && !(quoted && i < at)))
            {
                throw new ArgumentException($"Not a usable SMTP address (control characters, angle brackets and unquoted spaces are not allowed): \"{address}\".", parameter);
            }
        }
    }
}
