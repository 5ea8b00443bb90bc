namespace NetKit.Smtp;

// The same two enums as the SMTP server's codec (src/NetKit/Smtp/SmtpEnvelopeCommands.cs
// on the smtp-server branch), name for name and value for value: when both
// branches are on main this file goes and the codec's copy serves both sides.

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
