using System.Globalization;

namespace NetKit.Imap.Server;

/// <summary>FETCH and UID FETCH (RFC 3501 6.4.5): every attribute, with BODY[section]&lt;partial&gt; cut from the stored bytes.</summary>
internal sealed partial class ImapSession
{
    private async Task<(ImapStatus, string, string?)> FetchAsync(ImapParser parser, bool uid)
    {
        parser.Space();
        var set = parser.SequenceSet();
        parser.Space();
        var items = ImapFetchParser.Parse(parser).ToList();
        parser.End();
        if (uid && !items.Any(i => i.Kind == ImapFetchKind.Uid))
        {
            items.Insert(0, new ImapFetchItem(ImapFetchKind.Uid));
        }

        var view = View;
        var targets = view.Resolve(set, uid);
        var needsContent = items.Any(i => i.Kind is not (ImapFetchKind.Flags or ImapFetchKind.InternalDate or ImapFetchKind.Rfc822Size or ImapFetchKind.Uid));
        var marksSeen = !view.ReadOnly && items.Any(i => i.SetsSeen);
        var seen = new List<(long, string)>();
        var vanished = false;
        foreach (var (sequence, message) in targets)
        {
            ImapMessage? content = null;
            if (needsContent)
            {
                var raw = message.Expunged ? null : await Store.ReadMessageAsync(message.Id, stopping);
                if (raw is null)
                {
                    vanished = true; // expunged by another session; its EXPUNGE is announced later
                    continue;
                }

                content = new ImapMessage(raw);
            }

            var addFlags = false;
            if (marksSeen && !ImapFlags.Has(message.Flags, ImapFlags.Seen))
            {
                message.Flags = [.. message.Flags, ImapFlags.Seen];
                seen.Add((message.Id, ImapFlags.Store(message.Flags)));
                addFlags = !items.Any(i => i.Kind == ImapFetchKind.Flags);
            }

            output.Raw(string.Create(CultureInfo.InvariantCulture, $"* {sequence} FETCH ("));
            var first = true;
            foreach (var item in addFlags ? items.Append(new ImapFetchItem(ImapFetchKind.Flags)) : items)
            {
                output.Raw(first ? "" : " ").Raw(item.ResponseName).Raw(" ");
                first = false;
                WriteItem(item, message, content);
            }

            output.Raw(")").EndLine();
            if (output.Pending > options.OutputFlushThreshold)
            {
                await output.FlushAsync(stopping);
            }
        }

        if (seen.Count > 0)
        {
            await Store.SetFlagsAsync(view.Account, view.Name, seen, stopping);
        }

        return vanished ? No("some messages were expunged meanwhile", "EXPUNGEISSUED") : Ok("FETCH completed");
    }

    private void WriteItem(ImapFetchItem item, ImapViewMessage message, ImapMessage? content)
    {
        switch (item.Kind)
        {
            case ImapFetchKind.Flags:
                output.Raw(ImapFlags.Format(message.Flags, message.Recent));
                break;
            case ImapFetchKind.InternalDate:
                output.Raw("\"").Raw(message.InternalDate.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture))
                    .Raw(message.InternalDate.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal)).Raw("\"");
                break;
            case ImapFetchKind.Rfc822Size:
                output.Number(message.Size);
                break;
            case ImapFetchKind.Uid:
                output.Number(message.Uid);
                break;
            case ImapFetchKind.Envelope:
                content!.WriteEnvelope(output);
                break;
            case ImapFetchKind.Body:
            case ImapFetchKind.BodyStructure:
                content!.WriteBodyStructure(output, extensible: item.Kind == ImapFetchKind.BodyStructure);
                break;
            case ImapFetchKind.Rfc822:
                output.Literal(content!.Raw);
                break;
            case ImapFetchKind.Rfc822Header:
                output.Literal(content!.Section(new ImapSection([], ImapSectionText.Header, []))!.Value.Span);
                break;
            case ImapFetchKind.Rfc822Text:
                output.Literal(content!.Section(new ImapSection([], ImapSectionText.Text, []))!.Value.Span);
                break;
            default:
                var data = content!.Section(item.Section!) ?? ReadOnlyMemory<byte>.Empty;
                if (item.PartialStart is { } start)
                {
                    var from = (int)Math.Min(start, data.Length);
                    data = data.Slice(from, (int)Math.Min(item.PartialLength!.Value, data.Length - from));
                }

                output.Literal(data.Span);
                break;
        }
    }
}
