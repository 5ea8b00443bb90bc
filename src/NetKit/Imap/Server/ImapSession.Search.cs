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
        for (var i = 0; i < view.Messages.Count; i++)
        {
            var message = view.Messages[i];
            if (message.Expunged)
            {
                continue;
            }

            var context = new SearchContext(this, view, message, (uint)(i + 1));
            if (await context.MatchesAsync(key))
            {
                found.Add(uid ? message.Uid : (uint)(i + 1));
            }
        }

        output.Untagged(found.Count == 0 ? "SEARCH" : "SEARCH " + string.Join(' ', found.Select(n => n.ToString(CultureInfo.InvariantCulture))));
        return Ok("SEARCH completed");
    }

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

    /// <summary>One message under test; its content is read and parsed only when a key needs it.</summary>
    private sealed class SearchContext(ImapSession session, ImapMailboxView view, ImapViewMessage message, uint sequence)
    {
        private ImapMessage? content;
        private bool loaded;

        public async Task<bool> MatchesAsync(ImapSearchKey key)
        {
            switch (key)
            {
                case ImapSearchAll:
                    return true;
                case ImapSearchAnd and:
                    foreach (var k in and.Keys)
                    {
                        if (!await MatchesAsync(k))
                        {
                            return false;
                        }
                    }

                    return true;
                case ImapSearchOr or:
                    return await MatchesAsync(or.Left) || await MatchesAsync(or.Right);
                case ImapSearchNot not:
                    return !await MatchesAsync(not.Key);
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
                        : await SentDateAsync();
                    return day is { } d && date.Comparison switch
                    {
                        ImapDateComparison.Before => d < date.Date,
                        ImapDateComparison.On => d == date.Date,
                        _ => d >= date.Date,
                    };
                case ImapSearchText text:
                    return await MatchesTextAsync(text);
                default:
                    return false;
            }
        }

        private async Task<ImapMessage?> ContentAsync()
        {
            if (!loaded)
            {
                loaded = true;
                var raw = await session.Store.ReadMessageAsync(message.Id, session.stopping);
                content = raw is null ? null : new ImapMessage(raw);
            }

            return content;
        }

        private async Task<DateOnly?> SentDateAsync()
        {
            var parsed = await ContentAsync();
            return parsed is null || !parsed.Message.Headers.Contains(HeaderId.Date) ? null : DateOnly.FromDateTime(parsed.Message.Date.DateTime);
        }

        private async Task<bool> MatchesTextAsync(ImapSearchText key)
        {
            var parsed = await ContentAsync();
            if (parsed is null)
            {
                return false;
            }

            var headers = parsed.Message.Headers;
            return key.Field switch
            {
                ImapTextField.From => HeaderContains(headers, "From", key.Value),
                ImapTextField.To => HeaderContains(headers, "To", key.Value),
                ImapTextField.Cc => HeaderContains(headers, "Cc", key.Value),
                ImapTextField.Bcc => HeaderContains(headers, "Bcc", key.Value),
                ImapTextField.Subject => HeaderContains(headers, "Subject", key.Value),
                ImapTextField.Header => HeaderContains(headers, key.HeaderName!, key.Value),
                ImapTextField.Body => BodyContains(parsed.Message, key.Value),
                _ => headers.Any(h => Contains(h.Value, key.Value)) || BodyContains(parsed.Message, key.Value),
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
