namespace NetKit.Imap;

/// <summary>A SEARCH criterion (RFC 3501 section 6.4.4), as a tree the server evaluates per message.</summary>
public abstract record ImapSearchKey;

/// <summary>Every key in the list must match (the top level, and a parenthesized group).</summary>
public sealed record ImapSearchAnd(IReadOnlyList<ImapSearchKey> Keys) : ImapSearchKey;

public sealed record ImapSearchOr(ImapSearchKey Left, ImapSearchKey Right) : ImapSearchKey;

public sealed record ImapSearchNot(ImapSearchKey Key) : ImapSearchKey;

public sealed record ImapSearchAll : ImapSearchKey;

/// <summary>A flag (system or keyword) that must be set, or (<paramref name="Set"/> false) must not.</summary>
public sealed record ImapSearchFlag(string Flag, bool Set) : ImapSearchKey;

/// <summary>RECENT, NEW (recent and unseen), OLD (not recent).</summary>
public sealed record ImapSearchRecent(bool Recent, bool AlsoUnseen = false) : ImapSearchKey;

/// <summary>A set of message numbers, or of UIDs (the UID key).</summary>
public sealed record ImapSearchSequence(ImapSequenceSet Set, bool Uid) : ImapSearchKey;

public enum ImapDateField
{
    /// <summary>BEFORE, ON, SINCE: the internal date.</summary>
    Internal,

    /// <summary>SENTBEFORE, SENTON, SENTSINCE: the Date header.</summary>
    Sent,
}

public enum ImapDateComparison
{
    Before,
    On,
    Since,
}

/// <summary>Dates compare by day, disregarding time and time zone (RFC 3501).</summary>
public sealed record ImapSearchDate(ImapDateField Field, ImapDateComparison Comparison, DateOnly Date) : ImapSearchKey;

/// <summary>LARGER n or SMALLER n (RFC822.SIZE).</summary>
public sealed record ImapSearchSize(bool Larger, long Size) : ImapSearchKey;

public enum ImapTextField
{
    Bcc,
    Cc,
    From,
    To,
    Subject,
    Header,
    Body,
    Text,
}

/// <summary>A case-insensitive substring in a header field, the body, or the whole text.</summary>
public sealed record ImapSearchText(ImapTextField Field, string Value, string? HeaderName = null) : ImapSearchKey;

/// <summary>The SEARCH key grammar, with nesting bounded by the limits.</summary>
public static class ImapSearchParser
{
    /// <summary>
    /// search-key *(SP search-key) up to the end of the command. <paramref name="firstName"/>: the
    /// first key's name when the caller has read it already (looking for SEARCH's CHARSET).
    /// </summary>
    public static ImapSearchKey Parse(ImapParser parser, string? firstName = null)
    {
        ArgumentNullException.ThrowIfNull(parser);
        var keys = new List<ImapSearchKey> { Key(parser, string.IsNullOrEmpty(firstName) ? null : firstName.ToUpperInvariant()) };
        while (parser.TryTake(' '))
        {
            keys.Add(Key(parser));
        }

        parser.End();
        return keys.Count == 1 ? keys[0] : new ImapSearchAnd(keys);
    }

    private static ImapSearchKey Key(ImapParser parser, string? knownName = null)
    {
        if (knownName is null && parser.TryTake('('))
        {
            parser.EnterNesting();
            var keys = new List<ImapSearchKey> { Key(parser) };
            while (parser.TryTake(' '))
            {
                keys.Add(Key(parser));
            }

            parser.Expect(')');
            parser.LeaveNesting();
            return new ImapSearchAnd(keys);
        }

        if (knownName is null && parser.Peek() is (>= (byte)'0' and <= (byte)'9') or (byte)'*')
        {
            return new ImapSearchSequence(parser.SequenceSet(), Uid: false);
        }

        var name = knownName ?? parser.Keyword();
        switch (name)
        {
            case "ALL": return new ImapSearchAll();
            case "ANSWERED": return new ImapSearchFlag("\\Answered", true);
            case "DELETED": return new ImapSearchFlag("\\Deleted", true);
            case "DRAFT": return new ImapSearchFlag("\\Draft", true);
            case "FLAGGED": return new ImapSearchFlag("\\Flagged", true);
            case "SEEN": return new ImapSearchFlag("\\Seen", true);
            case "UNANSWERED": return new ImapSearchFlag("\\Answered", false);
            case "UNDELETED": return new ImapSearchFlag("\\Deleted", false);
            case "UNDRAFT": return new ImapSearchFlag("\\Draft", false);
            case "UNFLAGGED": return new ImapSearchFlag("\\Flagged", false);
            case "UNSEEN": return new ImapSearchFlag("\\Seen", false);
            case "KEYWORD": return new ImapSearchFlag(Argument(parser, p => p.Atom()), true);
            case "UNKEYWORD": return new ImapSearchFlag(Argument(parser, p => p.Atom()), false);
            case "RECENT": return new ImapSearchRecent(true);
            case "NEW": return new ImapSearchRecent(true, AlsoUnseen: true);
            case "OLD": return new ImapSearchRecent(false);
            case "BEFORE": return new ImapSearchDate(ImapDateField.Internal, ImapDateComparison.Before, Argument(parser, p => p.Date()));
            case "ON": return new ImapSearchDate(ImapDateField.Internal, ImapDateComparison.On, Argument(parser, p => p.Date()));
            case "SINCE": return new ImapSearchDate(ImapDateField.Internal, ImapDateComparison.Since, Argument(parser, p => p.Date()));
            case "SENTBEFORE": return new ImapSearchDate(ImapDateField.Sent, ImapDateComparison.Before, Argument(parser, p => p.Date()));
            case "SENTON": return new ImapSearchDate(ImapDateField.Sent, ImapDateComparison.On, Argument(parser, p => p.Date()));
            case "SENTSINCE": return new ImapSearchDate(ImapDateField.Sent, ImapDateComparison.Since, Argument(parser, p => p.Date()));
            case "LARGER": return new ImapSearchSize(true, Argument(parser, p => p.Number64()));
            case "SMALLER": return new ImapSearchSize(false, Argument(parser, p => p.Number64()));
            case "BCC": return new ImapSearchText(ImapTextField.Bcc, Argument(parser, p => p.AString()));
            case "CC": return new ImapSearchText(ImapTextField.Cc, Argument(parser, p => p.AString()));
            case "FROM": return new ImapSearchText(ImapTextField.From, Argument(parser, p => p.AString()));
            case "TO": return new ImapSearchText(ImapTextField.To, Argument(parser, p => p.AString()));
            case "SUBJECT": return new ImapSearchText(ImapTextField.Subject, Argument(parser, p => p.AString()));
            case "BODY": return new ImapSearchText(ImapTextField.Body, Argument(parser, p => p.AString()));
            case "TEXT": return new ImapSearchText(ImapTextField.Text, Argument(parser, p => p.AString()));
            case "HEADER":
                var field = Argument(parser, p => p.AString());
                return new ImapSearchText(ImapTextField.Header, Argument(parser, p => p.AString()), field);
            case "UID": return new ImapSearchSequence(Argument(parser, p => p.SequenceSet()), Uid: true);
            case "NOT":
                parser.Space();
                parser.EnterNesting();
                var not = new ImapSearchNot(Key(parser));
                parser.LeaveNesting();
                return not;
            case "OR":
                parser.Space();
                parser.EnterNesting();
                var left = Key(parser);
                parser.Space();
                var right = Key(parser);
                parser.LeaveNesting();
                return new ImapSearchOr(left, right);
            default:
                throw parser.Error($"unknown search key \"{name}\"");
        }
    }

    private static T Argument<T>(ImapParser parser, Func<ImapParser, T> read)
    {
        parser.Space();
        return read(parser);
    }
}
