using MimeKit;

namespace NetKit.Mail;

/// <summary>
/// The parsed summary a list shows: From, To and Subject decoded to Unicode (RFC 2047, charsets),
/// the Date header and the attachments' names. Made with MimeKit before the message reaches the
/// writer, so the writer's transaction only writes.
/// </summary>
internal sealed record MessageHeaders(string From, string To, string Subject, DateTimeOffset? Date, IReadOnlyList<string> AttachmentNames)
{
    /// <summary>The attachments' names as the store keeps them (a JSON array), made on the caller's thread, not the writer's.</summary>
    public string AttachmentNamesJson { get; } = System.Text.Json.JsonSerializer.Serialize(AttachmentNames);

    private static readonly MessageHeaders Unreadable = new("", "", "", null, []);

    public static MessageHeaders Parse(ReadOnlyMemory<byte> raw)
    {
        MailCharsets.EnsureRegistered();
        // persistent: the parts' contents stay views of the caller's buffer instead of copies;
        // only headers and attachment names are read, while the stream is still open.
        using var stream = AsStream(raw);
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream, persistent: true);
        }
        catch (FormatException)
        {
            // Not a message MimeKit can read (SMTP stores whatever DATA carried); it is kept byte-exact all the same.
            return Unreadable;
        }

        using (message)
        {
            return Summarize(message);
        }
    }

    private static MessageHeaders Summarize(MimeMessage message)
    {
        var date = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date : (DateTimeOffset?)null;
        var attachments = message.Attachments.Select(NameOf).ToList();
        return new MessageHeaders(message.From.ToString(), message.To.ToString(), message.Subject ?? "", date, attachments);
    }

    private static string NameOf(MimeEntity entity) => entity switch
    {
        MimePart { FileName: { Length: > 0 } name } => name,
        MessagePart { Message.Subject: { Length: > 0 } subject } => subject + ".eml",
        _ => entity.ContentType.Name ?? "(unnamed)",
    };

    private static MemoryStream AsStream(ReadOnlyMemory<byte> raw) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(raw.ToArray(), writable: false);
}
