using MimeKit;

namespace NetKit.Smtp;

/// <summary>What a message's bytes need from the server, found in one pass over them.</summary>
internal readonly record struct SmtpContentNeeds(bool EightBitBody, bool NonAsciiHeaders)
{
    public static SmtpContentNeeds Of(ReadOnlySpan<byte> message)
    {
        var end = message.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            end = message.IndexOf("\n\n"u8);
        }

        var headers = end < 0 ? message : message[..end];
        var body = end < 0 ? [] : message[end..];
        return new SmtpContentNeeds(
            body.IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0,
            headers.IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0);
    }

    /// <summary>
    /// True when every line ends in CRLF, as BDAT sends it unchanged (RFC 3030
    /// 2: no line-ending repair, no dot-stuffing); otherwise DATA, whose
    /// dot-stuffer makes every line ending CRLF, carries the message.
    /// </summary>
    public static bool IsCanonical(ReadOnlySpan<byte> message)
    {
        var lineFeeds = message.Count((byte)'\n');
        return message.EndsWith("\r\n"u8)
            && message.Count("\r\n"u8) == lineFeeds
            && message.Count((byte)'\r') == lineFeeds;
    }
}

/// <summary>A MimeKit message as SMTP sends it: its envelope and its bytes.</summary>
internal static class SmtpMessageContent
{
    private static readonly FormatOptions Ascii = Create(international: false);
    private static readonly FormatOptions International = Create(international: true);

    /// <summary>The envelope a message implies: Sender (else the first From) to every To, Cc and Bcc mailbox.</summary>
    public static SmtpEnvelope EnvelopeOf(MimeMessage message)
    {
        var sender = message.Sender ?? message.From.Mailboxes.FirstOrDefault()
            ?? throw new ArgumentException("The message has no From or Sender address to use as the envelope sender.", nameof(message));
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
            .Select(m => m.Address)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (recipients.Length == 0)
        {
            throw new ArgumentException("The message has no To, Cc or Bcc recipient.", nameof(message));
        }

        return new SmtpEnvelope(sender.Address, recipients);
    }

    /// <summary>
    /// Writes the message with CRLF line endings and without its Bcc headers into
    /// <paramref name="buffer"/> (reused across messages) and returns the bytes.
    /// <paramref name="international"/>: headers in raw UTF-8 (SMTPUTF8, RFC 6532)
    /// instead of RFC 2047 encoded words.
    /// </summary>
    public static ReadOnlyMemory<byte> Format(MimeMessage message, MemoryStream buffer, bool international)
    {
        buffer.SetLength(0);
        message.WriteTo(international ? International : Ascii, buffer);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    public static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);

    private static FormatOptions Create(bool international)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.International = international;
        options.EnsureNewLine = true;
        options.HiddenHeaders.Add(HeaderId.Bcc);
        options.HiddenHeaders.Add(HeaderId.ResentBcc);
        return options;
    }
}
