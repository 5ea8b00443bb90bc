using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Smtp;

/// <summary>Why an address was refused by <see cref="SmtpMailbox.TryParse"/>.</summary>
public enum SmtpMailboxError
{
    None,

    /// <summary>Not RFC 5321 4.1.2 mailbox syntax.</summary>
    Syntax,

    /// <summary>Local part over 64 octets, domain over 255, or the path over 256 (RFC 5321 4.5.3.1).</summary>
    TooLong,

    /// <summary>Non-ASCII characters without SMTPUTF8 on MAIL (RFC 6531 3.3).</summary>
    NonAscii,
}

/// <summary>
/// A mailbox as SMTP carries it (RFC 5321 4.1.2): a local part (a dot-string,
/// or a quoted string kept with its quotes, exactly as sent) and a domain (a
/// host name or an address literal such as <c>[192.0.2.1]</c> or
/// <c>[IPv6:::1]</c>). With SMTPUTF8 (RFC 6531) both may hold UTF-8.
/// </summary>
public sealed record SmtpMailbox
{
    public const int MaxLocalPartOctets = 64;
    public const int MaxDomainOctets = 255;

    /// <summary>The longest path, the angle brackets included.</summary>
    public const int MaxPathOctets = 256;

    private SmtpMailbox(string localPart, string domain)
    {
        LocalPart = localPart;
        Domain = domain;
    }

    public string LocalPart { get; }

    /// <summary>
    /// The local part as it means: a quoted string without its quotes and with its
    /// quoted-pairs undone (RFC 5321 4.1.2: <c>"postmaster"</c> is <c>postmaster</c>);
    /// a dot-string as it is. For looking up users, never for sending on.
    /// </summary>
    public string UnquotedLocalPart
    {
        get
        {
            if (LocalPart.Length < 2 || LocalPart[0] != '"')
            {
                return LocalPart;
            }

            var text = new StringBuilder(LocalPart.Length);
            for (var i = 1; i < LocalPart.Length - 1; i++)
            {
                text.Append(LocalPart[i] == '\\' && i + 1 < LocalPart.Length - 1 ? LocalPart[++i] : LocalPart[i]);
            }

            return text.ToString();
        }
    }

    /// <summary>The domain as sent; empty for the bare <c>Postmaster</c> of RFC 5321 4.1.1.3.</summary>
    public string Domain { get; }

    public bool IsAddressLiteral => Domain.StartsWith('[');

    /// <summary>True when the address needs SMTPUTF8 (a non-ASCII character anywhere).</summary>
    public bool IsInternational => !Ascii.IsValid(LocalPart) || !Ascii.IsValid(Domain);

    public string Address => Domain.Length == 0 ? LocalPart : $"{LocalPart}@{Domain}";

    public override string ToString() => Address;

    /// <summary>
    /// Parses a mailbox without angle brackets (<c>user@example.com</c>).
    /// <paramref name="allowUtf8"/>: SMTPUTF8 was given, so non-ASCII is allowed.
    /// </summary>
    public static bool TryParse(string text, bool allowUtf8, out SmtpMailbox mailbox, out SmtpMailboxError error)
    {
        ArgumentNullException.ThrowIfNull(text);
        mailbox = null!;
        error = Check(text, allowUtf8, out var at);
        if (error != SmtpMailboxError.None)
        {
            return false;
        }

        mailbox = new SmtpMailbox(text[..at], text[(at + 1)..]);
        return true;
    }

    /// <summary>Parses, throwing <see cref="FormatException"/>: for addresses a program gives, not a peer.</summary>
    public static SmtpMailbox Parse(string text, bool allowUtf8 = true) =>
        TryParse(text, allowUtf8, out var mailbox, out var error)
            ? mailbox
            : throw new FormatException($"not a mailbox ({error}): \"{text}\"");

    /// <summary>RFC 5321's special case: <c>RCPT TO:&lt;Postmaster&gt;</c> with no domain.</summary>
    internal static SmtpMailbox Postmaster(string asSent) => new(asSent, string.Empty);

    private static SmtpMailboxError Check(string text, bool allowUtf8, out int at)
    {
        at = -1;
        if (!allowUtf8 && !Ascii.IsValid(text))
        {
            // Report the missing SMTPUTF8 only for something that would otherwise be an address.
            return Check(text, allowUtf8: true, out _) == SmtpMailboxError.None ? SmtpMailboxError.NonAscii : SmtpMailboxError.Syntax;
        }

        var localEnd = LocalPartEnd(text);
        if (localEnd <= 0 || localEnd >= text.Length || text[localEnd] != '@')
        {
            return SmtpMailboxError.Syntax;
        }

        at = localEnd;
        var domain = text.AsSpan(at + 1);
        if (Encoding.UTF8.GetByteCount(text.AsSpan(0, at)) > MaxLocalPartOctets || Encoding.UTF8.GetByteCount(domain) > MaxDomainOctets)
        {
            return SmtpMailboxError.TooLong;
        }

        return IsDomain(domain) || IsLiteral(domain) ? SmtpMailboxError.None : SmtpMailboxError.Syntax;
    }

    /// <summary>The index just past a valid local part (dot-string or quoted-string), or -1.</summary>
    private static int LocalPartEnd(string text)
    {
        if (text.StartsWith('"'))
        {
            for (var i = 1; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\\')
                {
                    // quoted-pairSMTP: a backslash and one printable ASCII character.
                    if (i + 1 >= text.Length || text[i + 1] is < ' ' or > '~')
                    {
                        return -1;
                    }

                    i++;
                }
                else if (c == '"')
                {
                    return i + 1;
                }
                else if (c is < ' ' or '\x7f')
                {
                    return -1;
                }
            }

            return -1;
        }

        var atomStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' || c == '@')
            {
                if (i == atomStart)
                {
                    return -1; // An empty atom: leading, trailing or double dot.
                }

                if (c == '@')
                {
                    return i;
                }

                atomStart = i + 1;
            }
            else if (!IsAtext(c))
            {
                return -1;
            }
        }

        return -1;
    }

    private static bool IsAtext(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal) || c > '\x7f';

    /// <summary>sub-domain *("." sub-domain); a label is Let-dig [Ldh-str], or a U-label's characters under SMTPUTF8.</summary>
    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        if (domain.IsEmpty)
        {
            return false;
        }

        foreach (var label in domain.ToString().Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || (c > '\x7f' && !char.IsControl(c) && !char.IsWhiteSpace(c))))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary><c>[1.2.3.4]</c>, <c>[IPv6:...]</c> or a general literal <c>[tag:content]</c> (RFC 5321 4.1.3).</summary>
    private static bool IsLiteral(ReadOnlySpan<char> domain)
    {
        if (domain.Length < 3 || domain[0] != '[' || domain[^1] != ']')
        {
            return false;
        }

        var inner = domain[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !inner[5..].Contains('%');
        }

        var colon = inner.IndexOf(':');
        if (colon < 0)
        {
            return IsIPv4(inner);
        }

        // General-address-literal: Standardized-tag ":" 1*dcontent.
        var tag = inner[..colon];
        var content = inner[(colon + 1)..];
        if (tag.IsEmpty || content.IsEmpty || !IsDomain(tag) || !Ascii.IsValid(tag))
        {
            return false;
        }

        foreach (var c in content)
        {
            if (c is < '!' or > '~' or '[' or '\\' or ']')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (part.Length is 0 or > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }
}
