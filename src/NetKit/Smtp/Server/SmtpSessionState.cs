namespace NetKit.Smtp.Server;

/// <summary>Where an SMTP session stands; each command is allowed in some states only.</summary>
internal enum SmtpSessionState
{
    /// <summary>Greeted by us; the client has not said EHLO or HELO yet (again, after STARTTLS).</summary>
    Connected,

    /// <summary>EHLO or HELO done; no transaction open.</summary>
    Greeted,

    /// <summary>MAIL accepted; no recipient yet.</summary>
    InTransaction,

    /// <summary>At least one RCPT accepted: DATA or BDAT may follow.</summary>
    HaveRecipients,

    /// <summary>BDAT chunks are arriving; only BDAT, RSET, NOOP, QUIT (and EHLO/HELO, which abandon it) are allowed.</summary>
    ReceivingBdat,
}
