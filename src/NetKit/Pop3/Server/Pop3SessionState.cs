namespace NetKit.Pop3.Server;

/// <summary>The states of RFC 1939 section 3, kept strictly: each command is valid in the states it names.</summary>
public enum Pop3SessionState
{
    /// <summary>Greeted; the client identifies itself (USER/PASS, APOP, AUTH) and may STLS first.</summary>
    Authorization,

    /// <summary>Logged in with the maildrop locked: STAT, LIST, RETR, DELE, TOP, UIDL, RSET, NOOP.</summary>
    Transaction,

    /// <summary>After QUIT in TRANSACTION: deletions are applied, all or none, and the session ends.</summary>
    Update,
}
