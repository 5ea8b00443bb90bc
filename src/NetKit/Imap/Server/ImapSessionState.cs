namespace NetKit.Imap.Server;

/// <summary>The states of RFC 3501 section 3; which commands a session takes depends on nothing else.</summary>
public enum ImapSessionState
{
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}
