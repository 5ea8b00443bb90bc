using System.Globalization;
using System.Text;

namespace NetKit.Smtp;

/// <summary>
/// Parses the arguments of MAIL and RCPT (RFC 5321 4.1.1.2–3, 4.1.2): the path
/// in angle brackets, then ESMTP parameters <c>KEY[=VALUE]</c>. Strict about the
/// grammar, tolerant of the one common slip (<c>MAIL FROM: &lt;a@b&gt;</c>, a space
/// after the colon). A refusal comes back as the reply to send.
/// </summary>
public static class SmtpEnvelopeParser
{
    private static readonly SmtpReply MailSyntax = new(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    private static readonly SmtpReply RcptSyntax = new(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
    private static readonly SmtpReply NonAscii = new(553, "5.6.7", "Non-ASCII addresses need SMTPUTF8 on MAIL");

    /// <summary>Parses what follows <c>MAIL </c>.</summary>
    public static bool TryParseMail(string argument, out SmtpMailCommand command, out SmtpReply error)
    {
        ArgumentNullException.ThrowIfNull(argument);
        command = null!;
        if (!TrySplit(argument, "FROM:", out var path, out var parameters))
        {
            error = MailSyntax;
            return false;
        }

        var mail = new SmtpMailCommand(null);
        foreach (var (key, value) in parameters)
        {
            if (!TryApplyMailParameter(ref mail, key, value, out error))
            {
                return false;
            }
        }

        if (path.Length > 0)
        {
            if (!TryParsePath(path, mail.SmtpUtf8, isSender: true, out var mailbox, out error))
            {
                return false;
            }

            mail = mail with { ReversePath = mailbox };
        }

        command = mail;
        error = null!;
        return true;
    }

    /// <summary>Parses what follows <c>RCPT </c>; <paramref name="smtpUtf8"/>: the transaction's MAIL carried SMTPUTF8.</summary>
    public static bool TryParseRcpt(string argument, bool smtpUtf8, out SmtpRcptCommand command, out SmtpReply error)
    {
        ArgumentNullException.ThrowIfNull(argument);
        command = null!;
        if (!TrySplit(argument, "TO:", out var path, out var parameters) || path.Length == 0)
        {
            error = RcptSyntax;
            return false;
        }

        SmtpMailbox recipient;
        if (path.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
        {
            recipient = SmtpMailbox.Postmaster(path); // RFC 5321 4.1.1.3: always accepted without a domain.
        }
        else if (!TryParsePath(path, smtpUtf8, isSender: false, out recipient, out error))
        {
            return false;
        }

        var rcpt = new SmtpRcptCommand(recipient);
        foreach (var (key, value) in parameters)
        {
            if (!TryApplyRcptParameter(ref rcpt, key, value, smtpUtf8, out error))
            {
                return false;
            }
        }

        command = rcpt;
        error = null!;
        return true;
    }

    /// <summary>
    /// Splits <c>FROM:&lt;path&gt; K=V K2</c> into the path (brackets and any source
    /// route removed) and the parameters. False on any syntax fault.
    /// </summary>
    private static bool TrySplit(string argument, string prefix, out string path, out List<(string Key, string? Value)> parameters)
    {
        path = string.Empty;
        parameters = [];
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var i = prefix.Length;
        while (i < argument.Length && argument[i] == ' ')
        {
            i++; // The common "MAIL FROM: <a@b>".
        }

        if (i >= argument.Length || argument[i] != '<')
        {
            return false;
        }

        var close = ClosingBracket(argument, i + 1);
        if (close < 0 || Encoding.UTF8.GetByteCount(argument.AsSpan(i, close - i + 1)) > SmtpMailbox.MaxPathOctets)
        {
            return false;
        }

        path = StripSourceRoute(argument[(i + 1)..close]);
        var rest = argument.AsSpan(close + 1).TrimEnd(' ');
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest[0] != ' ')
        {
            return false;
        }

        foreach (var word in rest.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? word : word[..equals];
            var value = equals < 0 ? null : word[(equals + 1)..];
            if (!IsKeyword(key) || value is { Length: 0 } || (value is not null && !IsValue(value))
                || parameters.Exists(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            parameters.Add((key.ToUpperInvariant(), value));
        }

        return true;
    }

    /// <summary>The '&gt;' that ends the path: one outside a quoted local part.</summary>
    private static int ClosingBracket(string text, int from)
    {
        var quoted = false;
        for (var i = from; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case '>' when !quoted:
                    return i;
            }
        }

        return -1;
    }

    /// <summary>RFC 5321 4.1.2: an A-d-l (<c>@a,@b:</c>) must be accepted and ignored.</summary>
    private static string StripSourceRoute(string path)
    {
        if (!path.StartsWith('@'))
        {
            return path;
        }

        var colon = path.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "\0" : path[(colon + 1)..]; // No colon: leave something that fails to parse.
    }

    private static bool TryParsePath(string path, bool smtpUtf8, bool isSender, out SmtpMailbox mailbox, out SmtpReply error)
    {
        if (SmtpMailbox.TryParse(path, smtpUtf8, out mailbox, out var fault))
        {
            error = null!;
            return true;
        }

        var (status, who) = isSender ? ("5.1.7", "sender") : ("5.1.3", "recipient");
        error = fault switch
        {
            SmtpMailboxError.NonAscii => NonAscii,
            SmtpMailboxError.TooLong => new SmtpReply(501, status, $"The {who} address is too long"),
            _ => new SmtpReply(501, status, $"Bad {who} address syntax"),
        };
        return false;
    }

    private static bool TryApplyMailParameter(ref SmtpMailCommand mail, string key, string? value, out SmtpReply error)
    {
        error = null!;
        switch (key)
        {
            case "SIZE" when value is { Length: > 0 } && value.All(char.IsAsciiDigit):
                // A number beyond long is a well-formed SIZE that is simply too big (552, not 501).
                mail = mail with { Size = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : long.MaxValue };
                return true;
            case "BODY" when value is not null && ParseBody(value) is { } body:
                mail = mail with { Body = body };
                return true;
            case "SMTPUTF8" when value is null:
                mail = mail with { SmtpUtf8 = true };
                return true;
            case "RET" when value is not null && ParseReturn(value) is { } ret:
                mail = mail with { Return = ret };
                return true;
            case "ENVID" when value is not null && value.Length <= 100 && XText.TryDecode(value, out var envelopeId):
                mail = mail with { EnvelopeId = envelopeId };
                return true;
            case "AUTH" when value is not null && XText.TryDecode(value, out var auth):
                mail = mail with { Auth = auth };
                return true;
            case "SIZE" or "BODY" or "SMTPUTF8" or "RET" or "ENVID" or "AUTH":
                error = new SmtpReply(501, "5.5.4", $"Bad {key} parameter");
                return false;
            default:
                error = Unknown(key);
                return false;
        }
    }

    private static bool TryApplyRcptParameter(ref SmtpRcptCommand rcpt, string key, string? value, bool smtpUtf8, out SmtpReply error)
    {
        error = null!;
        switch (key)
        {
            case "NOTIFY" when value is not null && ParseNotify(value) is { } notify:
                rcpt = rcpt with { Notify = notify };
                return true;
            case "ORCPT" when value is not null && ParseOriginalRecipient(value, smtpUtf8) is { } original:
                rcpt = rcpt with { OriginalRecipient = original };
                return true;
            case "NOTIFY" or "ORCPT":
                error = new SmtpReply(501, "5.5.4", $"Bad {key} parameter");
                return false;
            default:
                error = Unknown(key);
                return false;
        }
    }

    private static SmtpReply Unknown(string key) =>
        new(555, "5.5.4", $"Unsupported parameter {(key.Length > 32 ? key[..32] : key)}");

    private static SmtpBodyType? ParseBody(string value) => value.ToUpperInvariant() switch
    {
        "7BIT" => SmtpBodyType.SevenBit,
        "8BITMIME" => SmtpBodyType.EightBitMime,
        "BINARYMIME" => SmtpBodyType.BinaryMime,
        _ => null,
    };

    private static SmtpDsnReturn? ParseReturn(string value) => value.ToUpperInvariant() switch
    {
        "FULL" => SmtpDsnReturn.Full,
        "HDRS" => SmtpDsnReturn.Headers,
        _ => null,
    };

    /// <summary>NEVER alone, or a comma list of SUCCESS, FAILURE, DELAY.</summary>
    private static SmtpDsnNotify? ParseNotify(string value)
    {
        var notify = SmtpDsnNotify.None;
        foreach (var word in value.ToUpperInvariant().Split(','))
        {
            var flag = word switch
            {
                "NEVER" => SmtpDsnNotify.Never,
                "SUCCESS" => SmtpDsnNotify.Success,
                "FAILURE" => SmtpDsnNotify.Failure,
                "DELAY" => SmtpDsnNotify.Delay,
                _ => SmtpDsnNotify.None,
            };
            if (flag == SmtpDsnNotify.None || notify.HasFlag(flag))
            {
                return null;
            }

            notify |= flag;
        }

        return notify.HasFlag(SmtpDsnNotify.Never) && notify != SmtpDsnNotify.Never ? null : notify;
    }

    /// <summary><c>addr-type ";" xtext</c> (RFC 3461 4.2); utf-8-addr-xtext under SMTPUTF8 (RFC 6533).</summary>
    private static string? ParseOriginalRecipient(string value, bool smtpUtf8)
    {
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        if (semicolon <= 0 || semicolon == value.Length - 1 || !IsKeyword(value[..semicolon]))
        {
            return null;
        }

        if (!smtpUtf8 && !Ascii.IsValid(value))
        {
            return null;
        }

        return XText.TryDecode(value[(semicolon + 1)..], out var address) ? $"{value[..semicolon]};{address}" : null;
    }

    /// <summary>esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").</summary>
    private static bool IsKeyword(string key)
    {
        if (key.Length == 0 || !char.IsAsciiLetterOrDigit(key[0]))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 under SMTPUTF8 (checked by the caller's parameter).</summary>
    private static bool IsValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or '=' or '\x7f')
            {
                return false;
            }
        }

        return true;
    }
}
