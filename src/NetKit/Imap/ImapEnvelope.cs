using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace NetKit.Imap;

/// <summary>
/// A message's ENVELOPE (RFC 3501 section 7.4.2) as a client reads it: the header fields decoded
/// (RFC 2047 words in names and the subject) into MimeKit's address types.
/// </summary>
public sealed record ImapEnvelope(
    DateTimeOffset? Date,
    string? Subject,
    InternetAddressList From,
    InternetAddressList Sender,
    InternetAddressList ReplyTo,
    InternetAddressList To,
    InternetAddressList Cc,
    InternetAddressList Bcc,
    string? InReplyTo,
    string? MessageId)
{
    /// <summary>Reads the parenthesized ENVELOPE value; <see cref="ImapParseException"/> when it is not one.</summary>
    public static ImapEnvelope Parse(ImapValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Kind != ImapValueKind.List || value.Items.Count < 10)
        {
            throw new ImapParseException("an ENVELOPE is a list of ten fields");
        }

        var f = value.Items;
        var dateText = f[0].Text;
        DateTimeOffset? date = dateText is not null && DateUtils.TryParse(dateText, out var parsed) ? parsed : null;
        return new ImapEnvelope(
            date,
            f[1].Text is { } subject ? Rfc2047.DecodeText(Encoding.UTF8.GetBytes(subject)) : null,
            Addresses(f[2]), Addresses(f[3]), Addresses(f[4]), Addresses(f[5]), Addresses(f[6]), Addresses(f[7]),
            f[8].Text,
            f[9].Text?.Trim().TrimStart('<').TrimEnd('>'));
    }

    /// <summary>A list of (name adl mailbox host) quadruples; groups open with a NIL host and close with NIL mailbox and host.</summary>
    private static InternetAddressList Addresses(ImapValue value)
    {
        var list = new InternetAddressList();
        GroupAddress? group = null;
        foreach (var address in value.Items)
        {
            if (address.Kind != ImapValueKind.List || address.Items.Count < 4)
            {
                throw new ImapParseException("an address is a list of four fields");
            }

            var name = address.Items[0].Text is { } n ? Rfc2047.DecodePhrase(Encoding.UTF8.GetBytes(n)) : null;
            var mailbox = address.Items[2].Text;
            var host = address.Items[3].Text;
            if (host is null)
            {
                if (mailbox is null)
                {
                    group = null; // end of a group
                }
                else
                {
                    group = new GroupAddress(mailbox);
                    list.Add(group);
                }

                continue;
            }

            MailboxAddress entry;
            try
            {
                entry = new MailboxAddress(name ?? "", $"{mailbox}@{host}");
            }
            catch (ParseException ex)
            {
                // A server's envelope is the peer's text: a bad address is a parse error, not MimeKit's exception.
                throw new ImapParseException($"an envelope address is not valid: \"{mailbox}@{host}\" ({ex.Message})");
            }
            if (group is not null)
            {
                group.Members.Add(entry);
            }
            else
            {
                list.Add(entry);
            }
        }

        return list;
    }
}
