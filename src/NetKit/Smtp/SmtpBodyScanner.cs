namespace NetKit.Smtp;

/// <summary>
/// The line-ending rules every message body must keep unless it is declared
/// binary (BODY=BINARYMIME): CR only before LF, LF only after CR, no NUL
/// (RFC 5321 2.3.8 and 4.1.1.4; RFC 5322 2.3). A bare CR or LF is how SMTP
/// smuggling hides a second message from a server that reads endings loosely.
/// Fed in pieces of any size (BDAT chunks split anywhere): the CR state carries over.
/// </summary>
public sealed class SmtpBodyScanner
{
    private bool _afterCr;

    /// <summary>The first fault found, or <see cref="SmtpDataOutcome.Complete"/>.</summary>
    public SmtpDataOutcome Fault { get; private set; } = SmtpDataOutcome.Complete;

    /// <summary>Checks the next bytes of the body.</summary>
    public void Scan(ReadOnlySpan<byte> bytes)
    {
        if (Fault != SmtpDataOutcome.Complete)
        {
            return; // The first fault is the one reported.
        }

        foreach (var b in bytes)
        {
            var found = b switch
            {
                (byte)'\n' when !_afterCr => SmtpDataOutcome.BareLineFeed,
                _ when _afterCr && b != (byte)'\n' => SmtpDataOutcome.BareCarriageReturn,
                0 => SmtpDataOutcome.Nul,
                _ => SmtpDataOutcome.Complete,
            };
            if (found != SmtpDataOutcome.Complete)
            {
                Fault = found;
                return;
            }

            _afterCr = b == (byte)'\r';
        }
    }

    /// <summary>The body's end: a CR left hanging is bare. Returns <see cref="Fault"/>.</summary>
    public SmtpDataOutcome Complete()
    {
        if (_afterCr && Fault == SmtpDataOutcome.Complete)
        {
            Fault = SmtpDataOutcome.BareCarriageReturn;
        }

        return Fault;
    }

    /// <summary>Ready for the next message.</summary>
    public void Reset()
    {
        _afterCr = false;
        Fault = SmtpDataOutcome.Complete;
    }
}
