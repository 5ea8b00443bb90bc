using System.Globalization;
using NetKit.Mail;

namespace NetKit.Imap.Server;

/// <summary>FETCH and UID FETCH (RFC 3501 6.4.5): every attribute, with BODY[section]&lt;partial&gt; cut from the stored bytes.</summary>
internal sealed partial class ImapSession
{
    /// <summary>Messages read from the store per query: one query per chunk, not one per message.</summary>
    private const int FetchChunkMessages = 256;

    /// <summary>A chunk also ends at this many stored bytes, so big messages are not all held at once.</summary>
    private const long FetchChunkBytes = 8L * 1024 * 1024;

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
        var needsStructure = items.Any(i => i.Kind is ImapFetchKind.Envelope or ImapFetchKind.Body or ImapFetchKind.BodyStructure);
        var needsRaw = items.Any(i => i.Kind is not (ImapFetchKind.Flags or ImapFetchKind.InternalDate or ImapFetchKind.Rfc822Size or ImapFetchKind.Uid
            or ImapFetchKind.Envelope or ImapFetchKind.Body or ImapFetchKind.BodyStructure));
        var marksSeen = !view.ReadOnly && items.Any(i => i.SetsSeen);
        var seen = new List<(long, string)>();
        var computed = new List<(long, MailStructure)>();
        var vanished = false;
        // The kept structures are small: all in one query, then the bytes in chunks, when any are needed.
        var structures = needsStructure ? await Store.ReadStructuresAsync(targets.Where(t => !t.Message.Expunged).Select(t => t.Message.Id).ToList(), stopping) : null;
        var reads = needsRaw || (needsStructure && targets.Any(t => !t.Message.Expunged && !structures!.ContainsKey(t.Message.Id)));
        foreach (var chunk in Chunks(targets, reads))
        {
            var live = chunk.Where(t => !t.Message.Expunged).Select(t => t.Message.Id).ToList();
            var rawIds = live.Where(id => needsRaw || (needsStructure && !structures!.ContainsKey(id))).ToList();
            var raws = rawIds.Count > 0 ? await Store.ReadMessagesAsync(rawIds, stopping) : null;
            foreach (var (sequence, message) in chunk)
            {
                ImapMessage? content = null;
                MailStructure? structure = null;
                if (needsRaw || needsStructure)
                {
                    if (message.Expunged)
                    {
                        vanished = true; // expunged by another session; its EXPUNGE is announced later
                        continue;
                    }

                    structures?.TryGetValue(message.Id, out structure);
                    if (needsRaw || structure is null)
                    {
                        if (raws is null || !raws.TryGetValue(message.Id, out var raw))
                        {
                            vanished = true; // gone from the store meanwhile
                            continue;
                        }

                        content = new ImapMessage(raw);
                    }

                    if (needsStructure && structure is null)
                    {
                        structure = content!.Structure();
                        computed.Add((message.ContentId, structure));
                    }
                }

                var addFlags = false;
                if (marksSeen && !ImapFlags.Has(message.Flags, ImapFlags.Seen))
                {
                    message.Flags = [.. message.Flags, ImapFlags.Seen];
                    seen.Add((message.Id, ImapFlags.Store(message.Flags)));
                    addFlags = !items.Any(i => i.Kind == ImapFetchKind.Flags);
                }

                output.Raw("* ").Number(sequence).Raw(" FETCH (");
                var first = true;
                foreach (var item in addFlags ? items.Append(new ImapFetchItem(ImapFetchKind.Flags)) : items)
                {
                    output.Raw(first ? "" : " ").Raw(item.ResponseName).Raw(" ");
                    first = false;
                    WriteItem(item, message, content, structure);
                }

                output.Raw(")").EndLine();
                if (output.Pending > options.OutputFlushThreshold)
                {
                    await output.FlushAsync(stopping);
                }
            }
        }

        if (seen.Count > 0)
        {
            await Store.SetFlagsAsync(view.Account, view.Name, seen, stopping);
        }

        if (computed.Count > 0)
        {
            // Kept for every later FETCH of these messages, in any session: parsed once, not once per FETCH.
            await Store.SaveStructuresAsync(computed.DistinctBy(c => c.Item1).ToList(), stopping);
        }

        return vanished ? No("some messages were expunged meanwhile", "EXPUNGEISSUED") : Ok("FETCH completed");
    }

    /// <summary>The targets in chunks read with one query each (all in one when nothing is read).</summary>
    private static IEnumerable<List<(int Sequence, ImapViewMessage Message)>> Chunks(List<(int Sequence, ImapViewMessage Message)> targets, bool reads)
    {
        if (!reads)
        {
            yield return targets;
            yield break;
        }

        var chunk = new List<(int, ImapViewMessage)>();
        long bytes = 0;
        foreach (var target in targets)
        {
            chunk.Add(target);
            bytes += target.Message.Size;
            if (chunk.Count >= FetchChunkMessages || bytes >= FetchChunkBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private void WriteItem(ImapFetchItem item, ImapViewMessage message, ImapMessage? content, MailStructure? structure)
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
                output.Raw(structure!.Envelope);
                break;
            case ImapFetchKind.Body:
                output.Raw(structure!.Body);
                break;
            case ImapFetchKind.BodyStructure:
                output.Raw(structure!.BodyStructure);
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
