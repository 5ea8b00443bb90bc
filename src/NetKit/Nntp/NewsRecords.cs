namespace NetKit.Nntp;

/// <summary>A newsgroup as the store knows it. An empty group has Low = High + 1 (RFC 3977 6.1.1.2).</summary>
public sealed record NewsGroup(string Name, string Description, bool Moderated, long Count, long Low, long High, DateTimeOffset Created);

/// <summary>An article as stored: its number in the group asked about (0 when looked up by message-id) and its bytes.</summary>
public sealed record NewsArticle(long Number, string MessageId, byte[] Raw);

/// <summary>What became of a post or an IHAVE offer.</summary>
public enum NewsPostOutcome
{
    Stored,
    DuplicateMessageId,
    NoSuchGroup,

    /// <summary>A group is moderated and the post carries no Approved header.</summary>
    NotApproved,
}

/// <summary>The outcome, and where a stored article went (group and number for each); MissingGroup names the group that refused.</summary>
public sealed record NewsPostResult(NewsPostOutcome Outcome, IReadOnlyList<(string Group, long Number)> Placed, string? MissingGroup = null);

/// <summary>The news store failed (cannot open, cannot write); the message is one line for a person.</summary>
public sealed class NewsStoreException(string message, Exception? inner = null) : NetKitException(message, inner);
