using System.Text;
using System.Text.Unicode;
using MimeKit;
using NetKit.Mail;

namespace NetKit.Web.Api;

/// <summary>Turns stored messages into the API's views with MimeKit: decoded addresses and subject, text, attachments.</summary>
internal static class MessageViews
{
    private const int PreviewLength = 120;

    /// <summary>
    /// Parses a stored message. Headers in raw 8-bit that is not UTF-8 (old mailers write
    /// windows-1251 or koi8-r straight into Subject) are read in the charset of the message's
    /// first text part, the best guess there is; MimeKit's default would show Latin-1 mojibake.
    /// </summary>
    public static MimeMessage Parse(byte[] raw)
    {
        MailCharsets.EnsureRegistered(); // windows-1251, koi8-r, ... for MimeKit's charset decoding.
        var message = Load(raw, ParserOptions.Default);
        if (message.Headers.Any(h => !Utf8.IsValid(h.RawValue))
            && message.BodyParts.OfType<TextPart>().Select(p => p.ContentType.CharsetEncoding).FirstOrDefault(e => e is not null && e.CodePage != Encoding.UTF8.CodePage) is { } charset)
        {
            var options = ParserOptions.Default.Clone();
            options.CharsetEncoding = charset;
            message = Load(raw, options);
        }

        return message;
    }

    private static MimeMessage Load(byte[] raw, ParserOptions options)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return MimeMessage.Load(options, stream);
    }

    public static MessageSummaryView Summary(MessageSummary stored, MimeMessage message) => new()
    {
        Id = stored.Id,
        Account = stored.Account,
        Mailbox = stored.Mailbox,
        Uid = stored.Uid,
        From = message.From.Count > 0 ? Addresses(message.From) : stored.From,
        To = [.. message.To.Select(Address)],
        Cc = [.. message.Cc.Select(Address)],
        Subject = message.Subject ?? stored.Subject,
        Date = stored.Date,
        ReceivedAt = stored.InternalDate,
        Size = stored.Size,
        Flags = stored.Flags.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        HasAttachments = stored.AttachmentCount > 0 || message.Attachments.Any(),
        Preview = Preview(Text(message)),
    };

    public static MessageDetailView Detail(MessageSummary stored, MimeMessage message) => new(Summary(stored, message))
    {
        Headers = Headers(message.Headers),
        Text = Text(message),
        HasHtml = message.HtmlBody is not null,
        Attachments = [.. Attachments(message).Select((part, index) => new AttachmentView(index, FileName(part, index), part.ContentType.MimeType, Content(part).LongLength))],
    };

    /// <summary>An address as people write it: "Name &lt;user@host&gt;" (no quotes, no encoded words), or just the address.</summary>
    public static string Address(InternetAddress address) => address switch
    {
        MailboxAddress { Name.Length: > 0 } mailbox => $"{mailbox.Name} <{mailbox.Address}>",
        MailboxAddress mailbox => mailbox.Address,
        GroupAddress group => $"{group.Name}: {Addresses(group.Members)};",
        _ => address.ToString(),
    };

    public static string Addresses(InternetAddressList addresses) => string.Join(", ", addresses.Select(Address));

    public static IReadOnlyList<HeaderView> Headers(HeaderList headers) => [.. headers.Select(h => new HeaderView(h.Field, h.Value))];

    /// <summary>The plain part; else the HTML part as text; else nothing.</summary>
    public static string Text(MimeMessage message) =>
        message.TextBody ?? (message.HtmlBody is { } html ? HtmlText.Convert(html) : "");

    public static IReadOnlyList<MimeEntity> Attachments(MimeMessage message) => [.. message.Attachments];

    public static string FileName(MimeEntity part, int index) => part switch
    {
        MimePart { FileName: { Length: > 0 } name } => name,
        MessagePart { Message.Subject: { Length: > 0 } subject } => subject + ".eml",
        _ => $"part-{index}",
    };

    /// <summary>An attachment's bytes, transfer encoding undone (an attached message: as it is written).</summary>
    public static byte[] Content(MimeEntity part)
    {
        using var output = new MemoryStream();
        switch (part)
        {
            case MimePart { Content: { } content }:
                content.DecodeTo(output);
                break;
            case MessagePart { Message: { } attached }:
                attached.WriteTo(output);
                break;
        }

        return output.ToArray();
    }

    private static string Preview(string text)
    {
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (collapsed.Length <= PreviewLength)
        {
            return collapsed;
        }

        var cut = char.IsHighSurrogate(collapsed[PreviewLength - 1]) ? PreviewLength - 1 : PreviewLength; // Never half an emoji.
        return collapsed[..cut];
    }
}
