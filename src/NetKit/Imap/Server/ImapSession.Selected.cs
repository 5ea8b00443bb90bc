using System.Globalization;
using NetKit.Transport;

namespace NetKit.Imap.Server;

/// <summary>The Selected state's commands besides FETCH and SEARCH: CLOSE, UNSELECT, EXPUNGE, STORE, COPY, MOVE; and IDLE.</summary>
internal sealed partial class ImapSession
{
    private ImapMailboxView View => selected ?? throw new InvalidOperationException("no mailbox selected");

    private async Task<(ImapStatus, string, string?)> CloseAsync(bool expunge)
    {
        var view = View;
        if (expunge && !view.ReadOnly)
        {
            // CLOSE expunges silently (RFC 3501 6.4.2): no EXPUNGE responses.
            var deleted = view.Messages.Where(m => ImapFlags.Has(m.Flags, ImapFlags.Deleted)).Select(m => m.Id).ToList();
            if (deleted.Count > 0)
            {
                await Store.ExpungeAsync(view.Account, view.Name, deleted, stopping);
            }
        }

        selected = null;
        state = ImapSessionState.Authenticated;
        return Ok(expunge ? "CLOSE completed" : "UNSELECT completed");
    }

    private async Task<(ImapStatus, string, string?)> ExpungeAsync(ImapParser parser, bool uid)
    {
        ImapSequenceSet? set = null;
        if (uid)
        {
            parser.Space();
            set = parser.SequenceSet();
        }

        parser.End();
        var view = View;
        if (view.ReadOnly)
        {
            return No("the mailbox is read-only", "READ-ONLY");
        }

        var candidates = set is null ? view.Messages.Select((m, i) => (i + 1, m)).ToList() : view.Resolve(set, uid: true);
        var deleted = candidates.Where(c => ImapFlags.Has(c.Item2.Flags, ImapFlags.Deleted)).Select(c => c.Item2.Id).ToList();
        if (deleted.Count > 0)
        {
            await Store.ExpungeAsync(view.Account, view.Name, deleted, stopping);
            Volatile.Write(ref changePending, 1); // the EXPUNGE responses come from the synchronization
        }

        return Ok("EXPUNGE completed");
    }

    private async Task<(ImapStatus, string, string?)> StoreAsync(ImapParser parser, bool uid)
    {
        parser.Space();
        var set = parser.SequenceSet();
        parser.Space();
        var operation = parser.Keyword();
        var (mode, silent) = operation switch
        {
            "FLAGS" => (0, false),
            "FLAGS.SILENT" => (0, true),
            "+FLAGS" => (1, false),
            "+FLAGS.SILENT" => (1, true),
            "-FLAGS" => (-1, false),
            "-FLAGS.SILENT" => (-1, true),
            _ => throw new ImapParseException($"unknown STORE item {operation}"),
        };
        parser.Space();
        var given = parser.FlagsOrList();
        parser.End();
        var flags = given.Select(ImapFlags.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (given.Any(f => f.StartsWith('\\') && ImapFlags.Normalize(f) is null && !f.Equals(ImapFlags.Recent, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ImapParseException("unknown system flag");
        }

        var view = View;
        var targets = view.Resolve(set, uid);
        if (view.ReadOnly)
        {
            return No("the mailbox is read-only", "READ-ONLY");
        }

        var changes = new List<(long, string)>();
        foreach (var (sequence, message) in targets)
        {
            if (message.Expunged)
            {
                continue;
            }

            var next = mode switch
            {
                0 => flags.ToList(),
                1 => message.Flags.Concat(flags.Where(f => !ImapFlags.Has(message.Flags, f))).ToList(),
                _ => message.Flags.Where(f => !flags.Contains(f, StringComparer.OrdinalIgnoreCase)).ToList(),
            };
            if (ImapFlags.Store(next) != ImapFlags.Store(message.Flags))
            {
                message.Flags = next;
                changes.Add((message.Id, ImapFlags.Store(next)));
            }

            if (!silent)
            {
                output.Untagged(string.Create(CultureInfo.InvariantCulture, $"{sequence} FETCH ({(uid ? $"UID {message.Uid} " : "")}FLAGS {ImapFlags.Format(message.Flags, message.Recent)})"));
            }
        }

        await Store.SetFlagsAsync(view.Account, view.Name, changes, stopping);
        return Ok("STORE completed");
    }

    private async Task<(ImapStatus, string, string?)> CopyAsync(ImapParser parser, bool uid, bool move)
    {
        parser.Space();
        var set = parser.SequenceSet();
        parser.Space();
        var target = MailboxArgument(parser);
        parser.End();
        var view = View;
        if (move && view.ReadOnly)
        {
            return No("the mailbox is read-only", "READ-ONLY");
        }

        var messages = view.Resolve(set, uid).Where(m => !m.Message.Expunged).Select(m => m.Message).ToList();
        if (messages.Count == 0)
        {
            return uid ? Ok("nothing to copy") : No("no messages");
        }

        var result = await Store.CopyEntriesAsync(view.Account, view.Name, messages.Select(m => m.Id).ToList(), target, move, stopping);
        if (result is null)
        {
            return No("no such mailbox; create it first", "TRYCREATE");
        }

        var code = result.Uids.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"COPYUID {result.UidValidity} {ImapSequenceSet.Format(result.Uids.Select(u => (uint)u.SourceUid))} {ImapSequenceSet.Format(result.Uids.Select(u => (uint)u.TargetUid))}");
        if (!move)
        {
            return Ok("COPY completed", code);
        }

        // RFC 6851: COPYUID comes untagged before the EXPUNGEs, which the synchronization sends.
        if (code is not null)
        {
            output.UntaggedStatus(ImapStatus.Ok, "moved", code);
        }

        Volatile.Write(ref changePending, 1);
        return Ok("MOVE completed");
    }

    /// <summary>IDLE (RFC 2177): changes are sent as they happen until the client says DONE.</summary>
    private async Task<(ImapStatus, string, string?)> IdleAsync()
    {
        await SynchronizeAsync(allowExpunge: true, force: true);
        output.Continuation("idling");
        await output.FlushAsync(stopping);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var done = lines.ReadLineAsync(idle.Token).AsTask();
        try
        {
            while (true)
            {
                var wake = changed.WaitAsync(options.IdleKeepAlive, idle.Token);
                var first = await Task.WhenAny(done, wake);
                if (first == done)
                {
                    var line = await done;
                    if (line.Status == LineStatus.EndOfStream)
                    {
                        state = ImapSessionState.Logout;
                        return Bad("connection closed during IDLE");
                    }

                    return line.IsLine && line.Text.Trim().Equals("DONE", StringComparison.OrdinalIgnoreCase)
                        ? Ok("IDLE terminated")
                        : Bad("expected DONE");
                }

                if (!await wake)
                {
                    output.UntaggedStatus(ImapStatus.Ok, "still here");
                }

                await SynchronizeAsync(allowExpunge: true, force: false);
                await output.FlushAsync(stopping);
            }
        }
        finally
        {
            await idle.CancelAsync();
        }
    }
}
