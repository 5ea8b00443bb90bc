using Microsoft.Data.Sqlite;

namespace NetKit.Mail;

/// <summary>Tells a full disk apart from other store failures, so a server can say "storage full, try later" precisely.</summary>
public static class DiskFull
{
    private const int SqliteFull = 13;        // SQLITE_FULL: "database or disk is full"
    private const int UnixNoSpace = 28;       // ENOSPC, the HResult .NET gives an IOException on Unix
    private const int WindowsDiskFull = 112;  // ERROR_DISK_FULL
    private const int WindowsHandleDiskFull = 39;

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is the disk being full.</summary>
    public static bool Caused(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SqliteException { SqliteErrorCode: SqliteFull }:
                    return true;
                case IOException io when (io.HResult & 0xFFFF) is UnixNoSpace or WindowsDiskFull or WindowsHandleDiskFull:
                    return true;
            }
        }

        return false;
    }
}
