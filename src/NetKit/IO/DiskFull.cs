using Microsoft.Data.Sqlite;

namespace NetKit.IO;

/// <summary>
/// Tells a full disk apart from other storage failures, so a server can say "storage full, try later"
/// (SMTP 452 4.3.1, FTP 452) rather than a generic local error. One detector for every server.
/// </summary>
public static class DiskFull
{
    private const int SqliteFull = 13;            // SQLITE_FULL: "database or disk is full"
    private const int UnixNoSpace = 28;           // ENOSPC: .NET gives an IOException the errno itself as HResult on Unix
    private const int UnixQuotaExceeded = 122;    // EDQUOT (Linux): the user's quota, as full as a disk for us
    private const int WindowsDiskFull = 112;      // ERROR_DISK_FULL, in the low word of HRESULT 0x80070070
    private const int WindowsHandleDiskFull = 39; // ERROR_HANDLE_DISK_FULL (on Unix, 39 is ENOTEMPTY: hence the platform check)

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is the disk (or quota) being full.</summary>
    public static bool Caused(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException { SqliteErrorCode: SqliteFull } || ex is IOException io && IsNoSpace(io.HResult))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNoSpace(int hresult) => OperatingSystem.IsWindows()
        ? (hresult & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull
        : hresult is UnixNoSpace or UnixQuotaExceeded;
}
