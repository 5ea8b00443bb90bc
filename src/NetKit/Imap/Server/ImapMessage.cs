using System.Text;
using MimeKit;
using MimeKit.Utils;
using NetKit.Mail;

namespace NetKit.Imap.Server;

/// <summary>
/// One stored message as FETCH sees it: its exact bytes, parsed once with MimeKit, with the byte
/// offsets of every part (so BODY[1.2], BODY[1.MIME], BODY[TEXT] are slices of the original bytes,
/// never a re-serialization) and its ENVELOPE and BODYSTRUCTURE.
/// </summary>
internal sealed class ImapMessage
{
    private readonly Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End, long Lines)> entities = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MimeMessage, (long Begin, long HeadersEnd, long End)> messages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MimeEntity, long> begins = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<long> messageBegins = new();

    private MimeMessage? message;

    public ImapMessage(byte[] raw) => Raw = raw;

    public byte[] Raw { get; }

    /// <summary>The parsed message, parsed on first use: BODY[] and RFC822 need only the bytes.</summary>
    public MimeMessage Message => message ??= Parse();

    private MimeMessage Parse()
    {
        Mail.MailCharsets.EnsureRegistered();
        var parser = new MimeParser(new MemoryStream(Raw, writable: false), MimeFormat.Entity);
        parser.MimeEntityBegin += (_, e) => begins[e.Entity] = e.BeginOffset;
        parser.MimeEntityEnd += (_, e) => entities[e.Entity] = (begins[e.Entity], e.HeadersEndOffset, e.EndOffset, e.Lines);
        parser.MimeMessageBegin += (_, e) => messageBegins.Push(e.BeginOffset);
        parser.MimeMessageEnd += (_, e) => messages[e.Message] = (messageBegins.Pop(), e.HeadersEndOffset, e.EndOffset);
        return parser.ParseMessage();
    }

    /// <summary>The bytes of a section, before any partial range; null when the message has no such part.</summary>
    public ReadOnlyMemory<byte>? Section(ImapSection section)
    {
        if (section.Part.Count == 0 && section.Text == ImapSectionText.None)
        {
            return Raw;
        }

        var message = Message;
        MimeEntity? entity = null;
        foreach (var number in section.Part)
        {
            var parent = entity is null ? message.Body : entity is MessagePart { Message: { } inner } ? (message = inner).Body : entity;
            entity = parent switch
            {
                Multipart multipart when number <= multipart.Count => multipart[number - 1],
                Multipart => null,
                _ when number == 1 && (entity is null || entity is MessagePart) => parent,
                _ => null,
            };
            if (entity is null)
            {
                return null;
            }
        }

        if (entity is null)
        {
            return MessageSection(message, section);
        }

        var (begin, headersEnd, end, _) = entities[entity];
        return section.Text switch
        {
            ImapSectionText.None => Slice(headersEnd, end),
            ImapSectionText.Mime => Slice(begin, headersEnd),
            _ when entity is MessagePart { Message: { } inner } => MessageSection(inner, section),
            _ => null, // HEADER and TEXT of a part that is not a message
        };
    }

    private ReadOnlyMemory<byte> MessageSection(MimeMessage message, ImapSection section)
    {
        var (begin, headersEnd, end) = messages[message];
        return section.Text switch
        {
            ImapSectionText.Header => Slice(begin, headersEnd),
            ImapSectionText.Text => Slice(headersEnd, end),
            ImapSectionText.HeaderFields => FilterHeader(Slice(begin, headersEnd), section.Fields, keep: true),
            ImapSectionText.HeaderFieldsNot => FilterHeader(Slice(begin, headersEnd), section.Fields, keep: false),
            _ => Slice(begin, end),
        };
    }

    private ReadOnlyMemory<byte> Slice(long from, long to) => Raw.AsMemory((int)from, (int)Math.Max(0, to - from));

    /// <summary>The header lines (with their continuations) whose names are, or are not, in <paramref name="fields"/>; then the blank line.</summary>
    private static byte[] FilterHeader(ReadOnlyMemory<byte> header, IReadOnlyList<string> fields, bool keep)
    {
        var wanted = new HashSet<string>(fields, StringComparer.OrdinalIgnoreCase);
        var output = new MemoryStream();
        var span = header.Span;
        var include = false;
        while (!span.IsEmpty)
        {
            var newline = span.IndexOf((byte)'\n');
            var line = newline < 0 ? span : span[..(newline + 1)];
            span = span[line.Length..];
            if (line.Length > 0 && line[0] is (byte)' ' or (byte)'\t')
            {
                if (include)
                {
                    output.Write(line);
                }

                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                include = false; // the blank line at the end, or junk
                continue;
            }

            include = wanted.Contains(Encoding.ASCII.GetString(line[..colon]).TrimEnd()) == keep;
            if (include)
            {
                output.Write(line);
            }
        }

        output.Write("\r\n"u8);
        return output.ToArray();
    }

    /// <summary>ENVELOPE, BODY and BODYSTRUCTURE in wire form, to be kept in the store and sent as they are.</summary>
    public MailStructure Structure()
    {
        var scratch = new ImapResponseWriter((_, _) => ValueTask.CompletedTask, () => null);
        WriteEnvelope(scratch, Message);
        var envelope = scratch.Take();
        WriteBody(scratch, Message.Body, extensible: false);
        var body = scratch.Take();
        WriteBody(scratch, Message.Body, extensible: true);
        return new MailStructure(envelope, body, scratch.Take());
    }

    private static void WriteEnvelope(ImapResponseWriter writer, MimeMessage message)
    {
        var headers = message.Headers;
        writer.Raw("(");
        writer.NString(RawHeader(headers, HeaderId.Date)).Raw(" ");
        writer.NString(RawHeader(headers, HeaderId.Subject)).Raw(" ");
        var from = headers.Contains(HeaderId.From) ? message.From : null;
        WriteAddresses(writer, from);
        writer.Raw(" ");
        WriteAddresses(writer, headers.Contains(HeaderId.Sender) ? new InternetAddress?[] { message.Sender } : from);
        writer.Raw(" ");
        WriteAddresses(writer, headers.Contains(HeaderId.ReplyTo) ? message.ReplyTo : from);
        writer.Raw(" ");
        WriteAddresses(writer, headers.Contains(HeaderId.To) ? message.To : null);
        writer.Raw(" ");
        WriteAddresses(writer, headers.Contains(HeaderId.Cc) ? message.Cc : null);
        writer.Raw(" ");
        WriteAddresses(writer, headers.Contains(HeaderId.Bcc) ? message.Bcc : null);
        writer.Raw(" ");
        writer.NString(RawHeader(headers, HeaderId.InReplyTo)).Raw(" ");
        writer.NString(RawHeader(headers, HeaderId.MessageId)).Raw(")");
    }

    /// <summary>A header's value as it is on the wire, unfolded (IMAP clients decode RFC 2047 themselves).</summary>
    private static string? RawHeader(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        if (index < 0)
        {
            return null;
        }

        var value = Encoding.UTF8.GetString(headers[index].RawValue);
        return value.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
    }

    private static void WriteAddresses(ImapResponseWriter writer, IEnumerable<InternetAddress?>? addresses)
    {
        var list = addresses?.Where(a => a is not null).ToList();
        if (list is null || list.Count == 0)
        {
            writer.Raw("NIL");
            return;
        }

        writer.Raw("(");
        foreach (var address in list)
        {
            if (address is GroupAddress group)
            {
                writer.Raw("(NIL NIL ").NString(Phrase(group.Name) ?? "").Raw(" NIL)");
                foreach (var member in group.Members.OfType<MailboxAddress>())
                {
                    WriteMailbox(writer, member);
                }

                writer.Raw("(NIL NIL NIL NIL)");
            }
            else if (address is MailboxAddress mailbox)
            {
                WriteMailbox(writer, mailbox);
            }
        }

        writer.Raw(")");
    }

    private static void WriteMailbox(ImapResponseWriter writer, MailboxAddress mailbox)
    {
        var at = mailbox.Address.LastIndexOf('@');
        var local = at < 0 ? mailbox.Address : mailbox.Address[..at];
        var domain = at < 0 ? null : mailbox.Address[(at + 1)..];
        writer.Raw("(").NString(Phrase(mailbox.Name)).Raw(" NIL ").NString(local).Raw(" ").NString(domain).Raw(")");
    }

    /// <summary>A display name as it would be on the wire: encoded words when it is not ASCII.</summary>
    private static string? Phrase(string? name) =>
        string.IsNullOrEmpty(name) ? null : name.All(c => c < 0x80) ? name : Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name));

    private void WriteBody(ImapResponseWriter writer, MimeEntity? entity, bool extensible)
    {
        if (entity is null)
        {
            // No body at all (a header-only message): an empty text part.
            writer.Raw("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");
            return;
        }

        var type = entity.ContentType;
        writer.Raw("(");
        if (entity is Multipart multipart)
        {
            foreach (var part in multipart)
            {
                WriteBody(writer, part, extensible);
            }

            writer.Raw(" ").String(type.MediaSubtype);
            if (extensible)
            {
                writer.Raw(" ");
                WriteParameters(writer, type.Parameters, text: false);
                writer.Raw(" ");
                WriteDisposition(writer, entity);
                writer.Raw(" ").NString(entity.Headers[HeaderId.ContentLanguage]?.Trim()).Raw(" ").NString(entity.Headers[HeaderId.ContentLocation]?.Trim());
            }

            writer.Raw(")");
            return;
        }

        var (_, headersEnd, end, lines) = entities[entity];
        var isText = type.IsMimeType("text", "*");
        writer.String(type.MediaType).Raw(" ").String(type.MediaSubtype).Raw(" ");
        WriteParameters(writer, type.Parameters, isText);
        writer.Raw(" ").NString(entity.Headers[HeaderId.ContentId]?.Trim());
        writer.Raw(" ").NString(entity.Headers[HeaderId.ContentDescription]?.Trim());
        var encoding = entity.Headers[HeaderId.ContentTransferEncoding]?.Trim();
        writer.Raw(" ").String(string.IsNullOrEmpty(encoding) ? "7BIT" : encoding.ToUpperInvariant());
        writer.Raw(" ").Number(Math.Max(0, end - headersEnd));
        if (entity is MessagePart { Message: { } inner } && type.IsMimeType("message", "rfc822"))
        {
            writer.Raw(" ");
            WriteEnvelope(writer, inner);
            writer.Raw(" ");
            WriteBody(writer, inner.Body, extensible);
            writer.Raw(" ").Number(lines);
        }
        else if (isText)
        {
            writer.Raw(" ").Number(lines);
        }

        if (extensible)
        {
            writer.Raw(" ").NString(entity.Headers[HeaderId.ContentMd5]?.Trim()).Raw(" ");
            WriteDisposition(writer, entity);
            writer.Raw(" ").NString(entity.Headers[HeaderId.ContentLanguage]?.Trim()).Raw(" ").NString(entity.Headers[HeaderId.ContentLocation]?.Trim());
        }

        writer.Raw(")");
    }

    private static void WriteParameters(ImapResponseWriter writer, ParameterList parameters, bool text)
    {
        var list = parameters.Select(p => (p.Name, p.Value)).ToList();
        if (text && !list.Any(p => p.Item1.Equals("CHARSET", StringComparison.OrdinalIgnoreCase)))
        {
            list.Insert(0, ("CHARSET", "US-ASCII"));
        }

        if (list.Count == 0)
        {
            writer.Raw("NIL");
            return;
        }

        writer.Raw("(");
        for (var i = 0; i < list.Count; i++)
        {
            writer.Raw(i == 0 ? "" : " ").String(list[i].Item1).Raw(" ").String(list[i].Value);
        }

        writer.Raw(")");
    }

    private static void WriteDisposition(ImapResponseWriter writer, MimeEntity entity)
    {
        if (entity.ContentDisposition is not { } disposition)
        {
            writer.Raw("NIL");
            return;
        }

        writer.Raw("(").String(disposition.Disposition.ToUpperInvariant()).Raw(" ");
        WriteParameters(writer, disposition.Parameters, text: false);
        writer.Raw(")");
    }
}
