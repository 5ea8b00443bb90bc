using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetKit.Ftp.Server;

/// <summary>
/// Writes an upload to its file in order with one write in flight, so the next
/// chunk is read from the network while the last one goes to the page cache.
/// On Linux it also hands the disk each finished window as it goes
/// (sync_file_range), so the fsync before the 226 finds only the last few MiB
/// still to write instead of the whole file: the disk works while the network
/// does. Durability still comes from that final fsync alone; the early
/// write-back only moves the work earlier.
/// </summary>
internal sealed partial class FtpUploadWriter(SafeFileHandle file, long offset)
{
    /// <summary>How much is written before its write-back starts.</summary>
    internal const long WritebackWindow = 8 * 1024 * 1024;

    /// <summary>SYNC_FILE_RANGE_WRITE: start write-back of the range, do not wait for it.</summary>
    private const uint Write = 2;

    private long _position = offset;
    private long _started = offset;
    private Task _pending = Task.CompletedTask;
    private bool _writebackWorks = OperatingSystem.IsLinux();

    /// <summary>
    /// Waits for the previous write, then starts writing <paramref name="chunk"/>.
    /// The caller must not touch the chunk's memory until the next call, <see cref="CompleteAsync"/> or <see cref="DrainAsync"/>.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        await _pending;
        var at = _position;
        _position += chunk.Length;
        _pending = WriteAtAsync(chunk, at, cancellationToken);
    }

    /// <summary>Waits for the last write; its failure (a full disk, say) surfaces here.</summary>
    public Task CompleteAsync() => _pending;

    /// <summary>Waits for a write still in flight and ignores how it ended: the transfer has failed already.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await _pending;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // The transfer's own error is the one to report.
        }
    }

    private async Task WriteAtAsync(ReadOnlyMemory<byte> chunk, long at, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(file, chunk, at, cancellationToken);
        var end = at + chunk.Length;
        if (_writebackWorks && end - _started >= WritebackWindow)
        {
            StartWriteback(end);
        }
    }

    /// <summary>
    /// Starts writing [started, end) to the disk without waiting for it: the disk
    /// gets a steady stream of work and few dirty pages pile up. Waiting for each
    /// window as well (the textbook pattern) was 2-4x slower here: it serializes
    /// on the disk, where the final fsync lets it take everything at once.
    /// Runs on the writer's thread, never the reader's.
    /// </summary>
    private void StartWriteback(long end)
    {
        if (SyncFileRange(file, _started, end - _started, Write) != 0)
        {
            // Not supported here (some file systems say so): the final fsync does it all, as before.
            _writebackWorks = false;
            return;
        }

        _started = end;
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long count, uint flags);
}
