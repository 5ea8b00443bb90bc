namespace NetKit.Ftp.Server;

/// <summary>Where a control connection is in its life.</summary>
public enum FtpSessionState
{
    /// <summary>Waiting for USER (also after a failed PASS).</summary>
    NeedUser,

    /// <summary>USER given; waiting for PASS.</summary>
    NeedPassword,

    /// <summary>Logged in: file commands work.</summary>
    LoggedIn,

    /// <summary>QUIT, too many failed logins, or the server stopping: no more commands.</summary>
    Closed,
}
