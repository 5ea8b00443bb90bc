using Microsoft.Data.Sqlite;
using NetKit.IO;

namespace NetKit.Tests.IO;

public sealed class DiskFullTests
{
    [Fact]
    public void SqliteFullIsTheDisk() => Assert.True(DiskFull.Caused(new SqliteException("database or disk is full", 13)));

    [Fact]
    public void OtherSqliteErrorsAreNot()
    {
        Assert.False(DiskFull.Caused(new SqliteException("database is locked", 5)));
        Assert.False(DiskFull.Caused(new SqliteException("disk I/O error", 10)));
    }

    [Fact]
    public void FoundDeepInTheInnerExceptionChain()
    {
        var wrapped = new InvalidOperationException("store failed", new AggregateException(new NetKitException("commit", new SqliteException("database or disk is full", 13))));
        Assert.True(DiskFull.Caused(wrapped));
        Assert.False(DiskFull.Caused(new InvalidOperationException("store failed", new TimeoutException())));
        Assert.False(DiskFull.Caused(null));
    }

    [Fact]
    public void ARealNoSpaceIOExceptionIsTheDisk()
    {
        // /dev/full answers every write with ENOSPC: the exception .NET really throws, not one made up here.
        var ex = Assert.ThrowsAny<IOException>(() =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            full.Write(new byte[4096]);
        });
        Assert.True(DiskFull.Caused(ex), $"HResult {ex.HResult}: {ex.Message}");
        Assert.True(DiskFull.Caused(new NetKitException("store failed", ex)));
    }

    [Fact]
    public void ARealDirectoryNotEmptyIsNot()
    {
        // ENOTEMPTY is 39 on Linux, the number Windows uses for ERROR_HANDLE_DISK_FULL: masking HResults mixed them up.
        var dir = Directory.CreateTempSubdirectory("nk-diskfull-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "x"), "x");
            var ex = Assert.ThrowsAny<IOException>(() => Directory.Delete(dir, recursive: false));
            Assert.False(DiskFull.Caused(ex), $"HResult {ex.HResult}: {ex.Message}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ErrnoNumbersOnUnixAndWin32CodesOnWindows()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.True(DiskFull.Caused(new IOException("full", unchecked((int)0x80070070))));
            Assert.True(DiskFull.Caused(new IOException("full", unchecked((int)0x80070027))));
            Assert.False(DiskFull.Caused(new IOException("other", unchecked((int)0x80070005))));
        }
        else
        {
            Assert.True(DiskFull.Caused(new IOException("ENOSPC", 28)));
            Assert.True(DiskFull.Caused(new IOException("EDQUOT", 122)));
            Assert.False(DiskFull.Caused(new IOException("ENOTEMPTY", 39)));
            Assert.False(DiskFull.Caused(new IOException("EHOSTDOWN", 112)));
            Assert.False(DiskFull.Caused(new IOException("ERROR_DISK_FULL as HRESULT", unchecked((int)0x80070070))));
        }
    }
}
