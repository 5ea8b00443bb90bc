namespace NetKit.Nntp.Server;

/// <summary>Where a reader session is (RFC 3977 6.1: the "currently selected newsgroup" and "current article number").</summary>
internal enum NntpSessionState
{
    /// <summary>No group selected: GROUP or LISTGROUP first for NEXT, LAST, OVER by range ...</summary>
    NoGroup,

    /// <summary>A group is selected but it is empty: the current article number is invalid.</summary>
    GroupSelected,

    /// <summary>A group and a current article are selected.</summary>
    ArticleSelected,
}
