using System.Globalization;
using MimeKit;

namespace NetKit.Imap.Server;

/// <summary>SEARCH and UID SEARCH (RFC 3501 6.4.4): every key; text keys compare case-insensitively on decoded text (charset UTF-8).</summary>
internal sealed partial class ImapSession
{
    private async Task<(ImapStatus, string, string?)> SearchAsync(ImapParser parser, bool uid)
    {
        parser.Space();
        var key = ParseSearch(parser, out var charset);
        if (charset is not null && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            return No($"charset {charset} is not supported", "BADCHARSET (UTF-8 US-ASCII)");
        }

        var view = View;
        var found = new List<uint>();
        var reads = NeedsContent(key, headerOnly: false) ? Store.ReadMessagesAsync : NeedsContent(key, headerOnly: true) ? Store.ReadHeadersAsync : (Func<IReadOnlyCollection<long>, CancellationToken, Task<Dictionary<long, byte[]>>>?)null;
        for (var start = 0; start < view.Messages.Count; start += FetchChunkMessages)
        {
            var end = Math.Min(view.Messages.Count, start + FetchChunkMessages);
            var raws = reads is not null
                ? await reads(view.Messages.Skip(start).Take(end - start).Where(m => !m.Expunged).Select(m => m.Id).ToList(), stopping)
                : null;
            for (var i = start; i < end; i++)
            {
                var message = view.Messages[i];
                if (message.Expunged)
                {
                    continue;
                }

                var context = new SearchContext(view, message, (uint)(i + 1), raws?.GetValueOrDefault(message.Id));
                if (context.Matches(key))
                {
                    found.Add(uid ? message.Uid : (uint)(i + 1));
                }
            }
        }

        output.Untagged(found.Count == 0 ? "SEARCH" : "SEARCH " + string.Join(' ', found.Select(n => n.ToString(CultureInfo.InvariantCulture))));
        return Ok("SEARCH completed");
    }

    /// <summary>
    /// True when a key looks into the message itself, not only at what the view holds: into its
    /// header fields (<paramref name="headerOnly"/>), or into more (its text, its sent date).
    /// </summary>
    private static bool NeedsContent(ImapSearchKey key, bool headerOnly) => key switch
    {
        ImapSearchAnd and => and.Keys.Any(k => NeedsContent(k, headerOnly)),
        ImapSearchOr or => NeedsContent(or.Left, headerOnly) || NeedsContent(or.Right, headerOnly),
        ImapSearchNot not => NeedsContent(not.Key, headerOnly),
        ImapSearchText text => headerOnly || text.Field is ImapTextField.Body or ImapTextField.Text,
        ImapSearchDate date => !headerOnly && date.Field != ImapDateField.Internal,
        _ => false,
    };

    /// <summary>[CHARSET astring SP] search-key *(SP search-key).</summary>
    private static ImapSearchKey ParseSearch(ImapParser parser, out string? charset)
    {
        charset = null;
        var peek = parser.Take(b => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z'));
        if (peek.Equals("CHARSET", StringComparison.OrdinalIgnoreCase))
        {
            parser.Space();
            charset = parser.AString();
            parser.Space();
            return ImapSearchParser.Parse(parser);
        }

        return ImapSearchParser.Parse(parser, peek);
    }

    /// <summary>
    /// One message under test, with its bytes when the key needs them (only its header block when
    /// the key has header keys alone): header keys parse only the header block, BODY, TEXT and
    /// sent dates the whole message, each at most once.
    /// </summary>
    private sealed class SearchContext(ImapMailboxView view, ImapViewMessage message, uint sequence, byte[]? raw)
    {
        private ImapMessage? content;
        private HeaderList? headers;

        public bool Matches(ImapSearchKey key)
        {
            switch (key)
            {
                case ImapSearchAll:
                    return true;
                case ImapSearchAnd and:
                    return and.Keys.All(Matches);
                case ImapSearchOr or:
                    return Matches(or.Left) || Matches(or.Right);
                case ImapSearchNot not:
                    return !Matches(not.Key);
                case ImapSearchFlag flag:
                    return ImapFlags.Has(message.Flags, flag.Flag) == flag.Set;
                case ImapSearchRecent recent:
                    return message.Recent == recent.Recent && (!recent.AlsoUnseen || !ImapFlags.Has(message.Flags, ImapFlags.Seen));
                case ImapSearchSequence sequenceKey:
                    return sequenceKey.Uid
                        ? sequenceKey.Set.Contains(message.Uid, view.LargestUid)
                        : sequenceKey.Set.Contains(sequence, (uint)view.Messages.Count);
                case ImapSearchSize size:
                    return size.Larger ? message.Size > size.Size : message.Size < size.Size;
                case ImapSearchDate date:
                    DateOnly? day = date.Field == ImapDateField.Internal
                        ? DateOnly.FromDateTime(message.InternalDate.UtcDateTime)
                        : SentDate();
                    return day is { } d && date.Comparison switch
                    {
                        ImapDateComparison.Before => d < date.Date,
                        ImapDateComparison.On => d == date.Date,
                        _ => d >= date.Date,
                    };
                case ImapSearchText text:
                    return MatchesText(text);
                default:
                    return false;
            }
        }

        private MimeMessage? Message => raw is null ? null : (content ??= new ImapMessage(raw)).Message;

        /// <summary>The top-level header fields: from the parsed message when there is one, else the header block alone.</summary>
        private HeaderList? Headers()
        {
            if (raw is null)
            {
                return null;
            }

            if (content is not null)
            {
                return content.Message.Headers;
            }

            if (headers is null)
            {
                Mail.MailCharsets.EnsureRegistered();
                headers = new MimeParser(new MemoryStream(raw, writable: false), MimeFormat.Entity).ParseHeaders();
            }

            return headers;
        }

        private DateOnly? SentDate()
        {
            var parsed = Message;
            return parsed is null || !parsed.Headers.Contains(HeaderId.Date) ? null : DateOnly.FromDateTime(parsed.Date.DateTime);
        }

        private bool MatchesText(ImapSearchText key)
        {
            if (key.Field is ImapTextField.Body or ImapTextField.Text)
            {
                var parsed = Message;
                return parsed is not null && (key.Field == ImapTextField.Body
                    ? BodyContains(parsed, key.Value)
                    : parsed.Headers.Any(h => Contains(h.Value, key.Value)) || BodyContains(parsed, key.Value));
            }

            var list = Headers();
            if (list is null)
            {
                return false;
            }

            return key.Field switch
            {
                ImapTextField.From => HeaderContains(list, "From", key.Value),
                ImapTextField.To => HeaderContains(list, "To", key.Value),
                ImapTextField.Cc => HeaderContains(list, "Cc", key.Value),
                ImapTextField.Bcc => HeaderContains(list, "Bcc", key.Value),
                ImapTextField.Subject => HeaderContains(list, "Subject", key.Value),
                _ => HeaderContains(list, key.HeaderName!, key.Value),
            };
        }

        private static bool HeaderContains(HeaderList headers, string field, string value) =>
            headers.Any(h => h.Field.Equals(field, StringComparison.OrdinalIgnoreCase) && (value.Length == 0 || Contains(h.Value, value)));

        private static bool BodyContains(MimeMessage message, string value) =>
            message.BodyParts.OfType<TextPart>().Any(part => Contains(part.Text, value));

        private static bool Contains(string? haystack, string needle) =>
            haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
    }
}
