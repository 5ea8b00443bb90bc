using System.Globalization;
using NetKit.Mail;

namespace NetKit.Imap.Server;

/// <summary>The Authenticated state's commands: SELECT, EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LIST, LSUB, STATUS, APPEND.</summary>
internal sealed partial class ImapSession
{
    private string MailboxArgument(ImapParser parser) => ImapMailboxNames.FromWire(parser.AString());

    private async Task<(ImapStatus, string, string?)> SelectAsync(ImapParser parser, bool readOnly)
    {
        parser.Space();
        var name = MailboxArgument(parser);
        parser.End();

        // Selecting, even a mailbox that does not exist, leaves the one selected before.
        selected = null;
        state = ImapSessionState.Authenticated;
        var info = await Store.GetMailboxAsync(Account, name, stopping);
        if (info is null)
        {
            return No($"no mailbox {ImapUtf7.Encode(name)}", "NONEXISTENT");
        }

        var entries = await Store.ListEntriesAsync(Account, name, stopping);
        var view = new ImapMailboxView(Account, info, readOnly);
        var highest = entries.Count == 0 ? 0 : entries[^1].Uid;
        var recentAbove = readOnly ? server.Recent.Peek(Account, name, info.UidValidity) : server.Recent.Claim(Account, name, info.UidValidity, highest);
        foreach (var entry in entries)
        {
            view.Messages.Add(new ImapViewMessage(entry, entry.Uid > recentAbove));
        }

        Volatile.Write(ref changePending, 0);
        selected = view;
        state = ImapSessionState.Selected;

        var keywords = view.Messages.SelectMany(m => m.Flags).Where(f => !f.StartsWith('\\')).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var flags = string.Join(' ', ImapFlags.System.Concat(keywords));
        output.Untagged($"FLAGS ({flags})");
        output.UntaggedStatus(ImapStatus.Ok, readOnly ? "no permanent flags in a read-only mailbox" : "flags and keywords are kept", readOnly ? "PERMANENTFLAGS ()" : $"PERMANENTFLAGS ({flags} \\*)");
        output.Untagged(Invariant($"{view.Messages.Count} EXISTS"));
        output.Untagged(Invariant($"{view.RecentCount} RECENT"));
        var firstUnseen = view.Messages.FindIndex(m => !ImapFlags.Has(m.Flags, ImapFlags.Seen));
        if (firstUnseen >= 0)
        {
            output.UntaggedStatus(ImapStatus.Ok, "first unseen", Invariant($"UNSEEN {firstUnseen + 1}"));
        }

        output.UntaggedStatus(ImapStatus.Ok, "UIDs valid", Invariant($"UIDVALIDITY {view.UidValidity}"));
        output.UntaggedStatus(ImapStatus.Ok, "predicted next UID", Invariant($"UIDNEXT {view.UidNext}"));
        return Ok(readOnly ? "EXAMINE completed" : "SELECT completed", readOnly ? "READ-ONLY" : "READ-WRITE");
    }

    private async Task<(ImapStatus, string, string?)> CreateAsync(ImapParser parser)
    {
        parser.Space();
        var name = MailboxArgument(parser).TrimEnd(ImapMailboxNames.Delimiter);
        parser.End();
        if (!ImapMailboxNames.IsValidNew(name))
        {
            return No("that is not a name a mailbox can have", "CANNOT");
        }

        if (name == MailStore.Inbox)
        {
            return No("INBOX always exists", "ALREADYEXISTS");
        }

        var parents = ImapMailboxNames.Parents(name).ToList();
        if (parents.Count > 0)
        {
            await Store.EnsureMailboxesAsync(Account, parents, stopping);
        }

        return await Store.CreateMailboxAsync(Account, name, stopping) == MailboxResult.Done
            ? Ok("CREATE completed")
            : No("the mailbox exists already", "ALREADYEXISTS");
    }

    private async Task<(ImapStatus, string, string?)> DeleteAsync(ImapParser parser)
    {
        parser.Space();
        var name = MailboxArgument(parser);
        parser.End();
        if (name == MailStore.Inbox)
        {
            return No("INBOX cannot be deleted", "CANNOT");
        }

        return await Store.DeleteMailboxAsync(Account, name, stopping) == MailboxResult.Done
            ? Ok("DELETE completed")
            : No("no such mailbox", "NONEXISTENT");
    }

    private async Task<(ImapStatus, string, string?)> RenameAsync(ImapParser parser)
    {
        parser.Space();
        var from = MailboxArgument(parser);
        parser.Space();
        var to = MailboxArgument(parser).TrimEnd(ImapMailboxNames.Delimiter);
        parser.End();
        if (!ImapMailboxNames.IsValidNew(to) || to == MailStore.Inbox || to.StartsWith(from + ImapMailboxNames.Delimiter, StringComparison.Ordinal))
        {
            return No("that is not a name this mailbox can take", "CANNOT");
        }

        var parents = ImapMailboxNames.Parents(to).Where(p => p != from).ToList();
        if (parents.Count > 0)
        {
            await Store.EnsureMailboxesAsync(Account, parents, stopping);
        }

        return await Store.RenameMailboxAsync(Account, from, to, ImapMailboxNames.Delimiter, stopping) switch
        {
            MailboxResult.Done => Ok("RENAME completed"),
            MailboxResult.NotFound => No("no such mailbox", "NONEXISTENT"),
            _ => No("a mailbox by the new name exists already", "ALREADYEXISTS"),
        };
    }

    private async Task<(ImapStatus, string, string?)> SubscribeAsync(ImapParser parser, bool subscribe)
    {
        parser.Space();
        var name = MailboxArgument(parser);
        parser.End();
        if (subscribe && await Store.GetMailboxAsync(Account, name, stopping) is null)
        {
            return No("no such mailbox", "NONEXISTENT");
        }

        await Store.SetSubscribedAsync(Account, name, subscribe, stopping);
        return Ok(subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
    }

    /// <summary>LIST and LSUB; LIST also takes RFC 5258's selection options (SUBSCRIBED, SPECIAL-USE) and RETURN options.</summary>
    private async Task<(ImapStatus, string, string?)> ListAsync(ImapParser parser, bool lsub)
    {
        parser.Space();
        var hasSelection = !lsub && parser.PeekIs('(');
        var selection = hasSelection ? Options(parser) : [];
        if (hasSelection)
        {
            parser.Space();
        }

        var reference = parser.AString();
        parser.Space();
        var pattern = parser.ListMailbox();
        var returns = new List<string>();
        if (!lsub && parser.TryTake(' '))
        {
            if (parser.Keyword() != "RETURN")
            {
                throw new ImapParseException("expected RETURN");
            }

            parser.Space();
            returns = Options(parser);
        }

        parser.End();
        var word = lsub ? "LSUB" : "LIST";
        if (pattern.Length == 0)
        {
            output.Untagged($"{word} (\\Noselect) \"/\" \"\"");
            return Ok($"{word} completed");
        }

        if (!ImapUtf7.TryDecode(reference + pattern, out var full))
        {
            throw new ImapParseException("the pattern is not valid modified UTF-7");
        }

        var mailboxes = (await Store.ListMailboxesAsync(Account, stopping)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var subscribed = (await Store.ListSubscriptionsAsync(Account, stopping)).ToHashSet(StringComparer.Ordinal);
        var shown = lsub || selection.Contains("SUBSCRIBED") ? subscribed : mailboxes;
        var candidates = new SortedSet<string>(shown, StringComparer.Ordinal);
        foreach (var name in shown.ToList())
        {
            candidates.UnionWith(ImapMailboxNames.Parents(name)); // levels above, shown \Noselect when they are not mailboxes
        }

        var withSubscribed = selection.Contains("SUBSCRIBED") || returns.Contains("SUBSCRIBED");
        foreach (var name in candidates)
        {
            if (!ImapMailboxNames.Matches(full, name))
            {
                continue;
            }

            var attributes = new List<string>();
            var exists = mailboxes.Contains(name);
            if (!exists)
            {
                attributes.Add(lsub || shown.Contains(name) ? "\\NonExistent" : "\\Noselect");
            }

            if (!lsub)
            {
                var prefix = name + ImapMailboxNames.Delimiter;
                attributes.Add(mailboxes.Any(m => m.StartsWith(prefix, StringComparison.Ordinal)) ? "\\HasChildren" : "\\HasNoChildren");
            }

            var special = ImapMailboxNames.SpecialUse(name, options.SpecialMailboxes);
            if (selection.Contains("SPECIAL-USE") && special is null)
            {
                continue;
            }

            if (special is not null && !lsub)
            {
                attributes.Add(special);
            }

            if (withSubscribed && subscribed.Contains(name))
            {
                attributes.Add("\\Subscribed");
            }

            output.Untagged($"{word} ({string.Join(' ', attributes)}) \"/\" {ImapMailboxNames.ToWire(name)}");
        }

        return Ok($"{word} completed");
    }

    /// <summary>"(" atom *(SP atom) ")" as upper-case words.</summary>
    private static List<string> Options(ImapParser parser)
    {
        parser.Expect('(');
        var list = new List<string>();
        while (!parser.TryTake(')'))
        {
            if (list.Count > 0)
            {
                parser.Space();
            }

            list.Add(parser.Keyword());
            if (list.Count > 20)
            {
                throw new ImapParseException("too many options");
            }
        }

        return list;
    }

    private async Task<(ImapStatus, string, string?)> StatusAsync(ImapParser parser)
    {
        parser.Space();
        var name = MailboxArgument(parser);
        parser.Space();
        var items = Options(parser);
        parser.End();
        if (items.Count == 0)
        {
            throw new ImapParseException("STATUS needs at least one item");
        }

        var info = await Store.GetMailboxAsync(Account, name, stopping);
        if (info is null)
        {
            return No("no such mailbox", "NONEXISTENT");
        }

        var entries = items.Any(i => i is "UNSEEN" or "RECENT") ? await Store.ListEntriesAsync(Account, name, stopping) : [];
        var recentAbove = server.Recent.Peek(Account, name, info.UidValidity);
        var values = new List<string>();
        foreach (var item in items)
        {
            long value = item switch
            {
                "MESSAGES" => info.MessageCount,
                "RECENT" => entries.Count(e => e.Uid > recentAbove),
                "UIDNEXT" => info.UidNext,
                "UIDVALIDITY" => info.UidValidity,
                "UNSEEN" => entries.Count(e => !ImapFlags.Has(ImapFlags.Parse(e.Flags), ImapFlags.Seen)),
                _ => throw new ImapParseException($"unknown STATUS item {item}"),
            };
            values.Add(Invariant($"{item} {value}"));
        }

        output.Untagged($"STATUS {ImapMailboxNames.ToWire(name)} ({string.Join(' ', values)})");
        return Ok("STATUS completed");
    }

    private async Task<(ImapStatus, string, string?)> AppendAsync(ImapParser parser)
    {
        parser.Space();
        var name = MailboxArgument(parser);
        parser.Space();
        var flags = new List<string>();
        if (parser.PeekIs('('))
        {
            flags.AddRange(parser.FlagList().Select(f => ImapFlags.Normalize(f) ?? throw new ImapParseException($"{f} cannot be set")).Distinct(StringComparer.Ordinal));
            parser.Space();
        }

        var date = DateTimeOffset.UtcNow;
        if (parser.PeekIs('"'))
        {
            date = parser.DateTime();
            parser.Space();
        }

        var message = parser.StringBytes();
        parser.End();
        if (message.Length == 0)
        {
            return No("an empty message cannot be appended");
        }

        var stored = await Store.AppendAsync(Account, name, message, ImapFlags.Store(flags), date, stopping);
        if (stored is null)
        {
            return No("no such mailbox; create it first", "TRYCREATE");
        }

        var validity = (await Store.GetMailboxAsync(Account, name, stopping))?.UidValidity ?? 0;
        return Ok("APPEND completed", Invariant($"APPENDUID {validity} {stored.Uid}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
