using System.Buffers;
using System.Globalization;
using System.Text;
using MimeKit;

namespace NetKit.Smtp;

/// <summary>Mail transactions: MAIL FROM, RCPT TO, then DATA or BDAT (RFC 5321 3.3, RFC 2920, RFC 3030).</summary>
public sealed partial class SmtpClient
{
    private const int KeepMessageBufferBytes = 4 * 1024 * 1024;
    private MemoryStream _messageBuffer = new();

    /// <summary>
    /// Sends a MimeKit message to the envelope it implies (Sender or From, to
    /// To, Cc and Bcc; Bcc headers are not sent) or to <paramref name="envelope"/>.
    /// </summary>
    /// <returns>The final reply and each recipient's; refused recipients did not get the message.</returns>
    /// <exception cref="SmtpRecipientsRefusedException">Every recipient was refused; nothing was sent.</exception>
    /// <exception cref="SmtpCommandException">The server refused the sender or the message.</exception>
    /// <exception cref="SmtpMessageNotSupportedException">The server cannot take this message (SIZE, 8BITMIME, SMTPUTF8).</exception>
    public Task<SmtpSendResult> SendAsync(MimeMessage message, SmtpEnvelope? envelope = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        envelope ??= SmtpMessageContent.EnvelopeOf(message);
        return RunAsync(
            step =>
            {
                // UTF-8 headers only when the transaction will be SMTPUTF8 anyway.
                var international = Capabilities.SmtpUtf8 && NeedsSmtpUtf8(envelope);
                var bytes = SmtpMessageContent.Format(message, _messageBuffer, international);
                return TransactAsync(envelope, bytes, step);
            },
            cancellationToken);
    }

    /// <summary>Sends a message that is already in its wire form (RFC 5322 bytes; line endings are made CRLF).</summary>
    public Task<SmtpSendResult> SendAsync(SmtpEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return RunAsync(step => TransactAsync(envelope, message, step), cancellationToken);
    }

    /// <summary>Sends the rest of <paramref name="message"/> (read into memory first; a seekable stream over SIZE is refused unread).</summary>
    public async Task<SmtpSendResult> SendAsync(SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(message);
        var remaining = message.CanSeek ? message.Length - message.Position : 0;
        CheckSize(remaining);
        if (remaining > Array.MaxLength)
        {
            throw new SmtpMessageNotSupportedException($"the message is {remaining} bytes; SmtpClient holds a message in memory and takes at most {Array.MaxLength}");
        }

        using var copy = new MemoryStream((int)remaining);
        await message.CopyToAsync(copy, cancellationToken);
        return await SendAsync(envelope, copy.GetBuffer().AsMemory(0, (int)copy.Length), cancellationToken);
    }

    private async Task<SmtpSendResult> TransactAsync(SmtpEnvelope envelope, ReadOnlyMemory<byte> message, Step step)
    {
        try
        {
            var needs = SmtpContentNeeds.Of(message.Span);
            var utf8 = NeedsSmtpUtf8(envelope) || needs.NonAsciiHeaders;
            CheckSupported(needs, utf8, message.Length);
            var chunking = Capabilities.Chunking && Options.PreferChunking && SmtpContentNeeds.IsCanonical(message.Span);
            var mail = MailCommand(envelope, message.Length, needs.EightBitBody, utf8);
            return Capabilities.Pipelining && Options.UsePipelining
                ? await PipelinedAsync(envelope, mail, message, chunking, step)
                : await OneByOneAsync(envelope, mail, message, chunking, step);
        }
        finally
        {
            if (_messageBuffer.Capacity > KeepMessageBufferBytes)
            {
                _messageBuffer = new MemoryStream();
            }
        }
    }

    /// <summary>RFC 2920: MAIL, every RCPT and DATA (or BDAT with the whole message) in one write, then the replies in order.</summary>
    private async Task<SmtpSendResult> PipelinedAsync(SmtpEnvelope envelope, string mail, ReadOnlyMemory<byte> message, bool chunking, Step step)
    {
        Append(mail);
        foreach (var recipient in envelope.Recipients)
        {
            Append(RcptCommand(recipient));
        }

        if (chunking)
        {
            AppendChunk(message);
        }
        else
        {
            Append("DATA");
        }

        await FlushAsync(step, "MAIL FROM");
        var mailReply = await ReadReplyAsync("the reply to MAIL FROM", step);
        var recipients = new SmtpRecipientResult[envelope.Recipients.Count];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = new SmtpRecipientResult(envelope.Recipients[i].Address, await ReadReplyAsync("the reply to RCPT TO", step));
        }

        var last = await ReadReplyAsync(chunking ? "the reply to BDAT" : "the reply to DATA", step);
        if (chunking)
        {
            CheckBdatReply(last);
        }
        else if (StartsData(last))
        {
            if (mailReply.IsSuccess && recipients.Any(r => r.Accepted))
            {
                last = await SendDataAsync(message, step);
            }
            else
            {
                // DATA was accepted though nobody can receive: end it empty (RFC 2920 3.1).
                Append(".");
                await FlushAsync(step, "the end of an empty DATA");
                last = await ReadReplyAsync("the reply to an empty DATA", step);
            }
        }

        return await ConcludeAsync(envelope, mailReply, recipients, last, step);
    }

    /// <summary>Without PIPELINING: each command waits for its reply, and nothing more is sent after a refusal.</summary>
    private async Task<SmtpSendResult> OneByOneAsync(SmtpEnvelope envelope, string mail, ReadOnlyMemory<byte> message, bool chunking, Step step)
    {
        var mailReply = await CommandAsync(mail, step);
        var recipients = new SmtpRecipientResult[envelope.Recipients.Count];
        if (!mailReply.IsSuccess)
        {
            return await ConcludeAsync(envelope, mailReply, recipients, mailReply, step);
        }

        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = new SmtpRecipientResult(envelope.Recipients[i].Address, await CommandAsync(RcptCommand(envelope.Recipients[i]), step));
        }

        if (!recipients.Any(r => r.Accepted))
        {
            return await ConcludeAsync(envelope, mailReply, recipients, recipients[^1].Reply, step);
        }

        SmtpReply last;
        if (chunking)
        {
            AppendChunk(message);
            await FlushAsync(step, "BDAT");
            last = await ReadReplyAsync("the reply to BDAT", step);
            CheckBdatReply(last);
        }
        else
        {
            last = await CommandAsync("DATA", step);
            if (StartsData(last))
            {
                last = await SendDataAsync(message, step);
            }
        }

        return await ConcludeAsync(envelope, mailReply, recipients, last, step);
    }

    /// <summary>
    /// True for 354 (send the message); false for a refusal (4xx, 5xx). Anything
    /// else (a 2xx, say) would end the transaction with no message sent: the
    /// server is not speaking SMTP, so the connection's state is unknown.
    /// </summary>
    private bool StartsData(SmtpReply reply) => reply.Code switch
    {
        354 => true,
        >= 400 => false,
        _ => throw new SmtpProtocolException(
            $"the SMTP server at {Remote} answered DATA with {Describe(reply)} instead of 354; no message was sent, and the connection was closed"),
    };

    /// <summary>BDAT's reply ends the chunk: 2xx, 4xx or 5xx; a 1xx or 3xx is not SMTP.</summary>
    private void CheckBdatReply(SmtpReply reply)
    {
        if (reply.Code < 200 || reply.Code is >= 300 and < 400)
        {
            throw new SmtpProtocolException(
                $"the SMTP server at {Remote} answered BDAT with {Describe(reply)}, which does not end a chunk; the connection was closed");
        }
    }

    /// <summary>After 354: the message, dot-stuffed and ended with CRLF.CRLF; returns the final reply.</summary>
    private async Task<SmtpReply> SendDataAsync(ReadOnlyMemory<byte> message, Step step)
    {
        _trace?.Note($"message data: {message.Length} bytes");
        _output.GetSpan(message.Length + (message.Length / 32) + 8); // One allocation for the stuffed copy.
        var stuffer = new DotStuffer();
        stuffer.Encode(message.Span, _output);
        stuffer.Complete(_output);
        await FlushAsync(step, "the message");
        return await ReadReplyAsync("the reply to the end of the message", step);
    }

    /// <summary>The whole message as one last chunk: "BDAT n LAST" and its bytes as they are.</summary>
    private void AppendChunk(ReadOnlyMemory<byte> message)
    {
        Append(string.Create(CultureInfo.InvariantCulture, $"BDAT {message.Length} LAST"));
        _trace?.Note($"message data: {message.Length} bytes");
        _output.Write(message.Span);
    }

    /// <summary>Turns the replies into a result, or resets the transaction and throws.</summary>
    private async Task<SmtpSendResult> ConcludeAsync(SmtpEnvelope envelope, SmtpReply mail, SmtpRecipientResult[] recipients, SmtpReply last, Step step)
    {
        SmtpCommandException? failure = null;
        if (!mail.IsSuccess)
        {
            failure = new SmtpCommandException($"the server refused the sender <{envelope.From}>: {Describe(mail)}", mail);
        }
        else if (!recipients.Any(r => r.Accepted))
        {
            var list = string.Join("; ", recipients.Select(r => $"<{r.Address}>: {Describe(r.Reply)}"));
            failure = new SmtpRecipientsRefusedException($"the server refused every recipient, so nothing was sent: {list}", recipients);
        }
        else if (!last.IsSuccess)
        {
            failure = new SmtpCommandException($"the server did not take the message: {Describe(last)}", last);
        }

        if (failure is null)
        {
            return new SmtpSendResult(last, recipients);
        }

        if (failure.Code != 421)
        {
            // Whatever the server thinks is open is closed, so the connection can carry the next message.
            await CommandAsync("RSET", step);
        }

        throw failure;
    }

    private string MailCommand(SmtpEnvelope envelope, int size, bool eightBit, bool utf8)
    {
        var command = new StringBuilder("MAIL FROM:<").Append(envelope.From).Append('>');
        if (Capabilities.Size)
        {
            command.Append(CultureInfo.InvariantCulture, $" SIZE={size}");
        }

        if (eightBit)
        {
            command.Append(" BODY=8BITMIME");
        }

        if (utf8)
        {
            command.Append(" SMTPUTF8");
        }

        if (Capabilities.Dsn)
        {
            if (envelope.DsnReturn is { } ret)
            {
                command.Append(ret == SmtpDsnReturn.Full ? " RET=FULL" : " RET=HDRS");
            }

            if (envelope.EnvelopeId is { } id)
            {
                command.Append(" ENVID=").Append(XText.Encode(id));
            }
        }

        return command.ToString();
    }

    private string RcptCommand(SmtpEnvelopeRecipient recipient)
    {
        if (!Capabilities.Dsn || (recipient.Notify == SmtpDsnNotify.None && recipient.OriginalRecipient is null))
        {
            return $"RCPT TO:<{recipient.Address}>";
        }

        var command = new StringBuilder("RCPT TO:<").Append(recipient.Address).Append('>');
        if (recipient.Notify != SmtpDsnNotify.None)
        {
            var words = new[] { SmtpDsnNotify.Never, SmtpDsnNotify.Success, SmtpDsnNotify.Failure, SmtpDsnNotify.Delay }
                .Where(flag => recipient.Notify.HasFlag(flag))
                .Select(flag => flag.ToString().ToUpperInvariant());
            command.Append(" NOTIFY=").Append(string.Join(',', words));
        }

        // RFC 3461 4.2 "rfc822;" takes an ASCII address; a UTF-8 one is left out rather than mangled.
        if (recipient.OriginalRecipient is { } original && SmtpMessageContent.IsAscii(original))
        {
            command.Append(" ORCPT=rfc822;").Append(XText.Encode(original));
        }

        return command.ToString();
    }

    private void CheckSupported(SmtpContentNeeds needs, bool utf8, long size)
    {
        CheckSize(size);
        if (utf8 && !Capabilities.SmtpUtf8)
        {
            throw new SmtpMessageNotSupportedException(
                $"the message has non-ASCII addresses or headers, and the server at {Remote} does not offer SMTPUTF8; nothing was sent");
        }

        if (needs.EightBitBody && !Capabilities.EightBitMime)
        {
            throw new SmtpMessageNotSupportedException(
                $"the message has 8-bit content, and the server at {Remote} does not offer 8BITMIME; nothing was sent (encode the body as quoted-printable or base64)");
        }
    }

    private void CheckSize(long size)
    {
        if (Capabilities.MaxSize is { } max && size > max)
        {
            throw new SmtpMessageNotSupportedException(
                $"the message is {size} bytes and the server at {Remote} takes at most {max} (SIZE); nothing was sent");
        }
    }

    private static bool NeedsSmtpUtf8(SmtpEnvelope envelope) =>
        !SmtpMessageContent.IsAscii(envelope.From) || envelope.Recipients.Any(r => !SmtpMessageContent.IsAscii(r.Address));
}
