using System.Text;

namespace NetKit.Smtp;

/// <summary>The SMTP commands NetKit knows (RFC 5321 and the extensions it serves).</summary>
public enum SmtpVerb
{
    Unknown,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
}

/// <summary>
/// Splits a command line into its verb (case-insensitive) and its argument:
/// <c>mail FROM:&lt;a@b&gt;</c> is <see cref="SmtpVerb.Mail"/> and <c>FROM:&lt;a@b&gt;</c>.
/// Works on the line's bytes, so the hot path allocates nothing for the verb.
/// </summary>
public static class SmtpCommandLine
{
    /// <summary>The verb, and in <paramref name="argument"/> what follows the first space (empty when none).</summary>
    public static SmtpVerb Parse(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> argument)
    {
        var space = line.IndexOf((byte)' ');
        var verb = space < 0 ? line : line[..space];
        argument = space < 0 ? [] : line[(space + 1)..];
        return verb.Length switch
        {
            4 when Ascii.EqualsIgnoreCase(verb, "MAIL"u8) => SmtpVerb.Mail,
            4 when Ascii.EqualsIgnoreCase(verb, "RCPT"u8) => SmtpVerb.Rcpt,
            4 when Ascii.EqualsIgnoreCase(verb, "DATA"u8) => SmtpVerb.Data,
            4 when Ascii.EqualsIgnoreCase(verb, "EHLO"u8) => SmtpVerb.Ehlo,
            4 when Ascii.EqualsIgnoreCase(verb, "HELO"u8) => SmtpVerb.Helo,
            4 when Ascii.EqualsIgnoreCase(verb, "QUIT"u8) => SmtpVerb.Quit,
            4 when Ascii.EqualsIgnoreCase(verb, "RSET"u8) => SmtpVerb.Rset,
            4 when Ascii.EqualsIgnoreCase(verb, "NOOP"u8) => SmtpVerb.Noop,
            4 when Ascii.EqualsIgnoreCase(verb, "BDAT"u8) => SmtpVerb.Bdat,
            4 when Ascii.EqualsIgnoreCase(verb, "AUTH"u8) => SmtpVerb.Auth,
            4 when Ascii.EqualsIgnoreCase(verb, "VRFY"u8) => SmtpVerb.Vrfy,
            4 when Ascii.EqualsIgnoreCase(verb, "EXPN"u8) => SmtpVerb.Expn,
            4 when Ascii.EqualsIgnoreCase(verb, "HELP"u8) => SmtpVerb.Help,
            8 when Ascii.EqualsIgnoreCase(verb, "STARTTLS"u8) => SmtpVerb.StartTls,
            _ => SmtpVerb.Unknown,
        };
    }
}
