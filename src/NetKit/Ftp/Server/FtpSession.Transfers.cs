using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using NetKit.IO;
using NetKit.Transport;

namespace NetKit.Ftp.Server;

/// <summary>
/// The data connection and what flows over it: PASV/EPSV/PORT/EPRT, RETR,
/// STOR/APPE/STOU and the listings. A transfer runs as a task beside the
/// command loop; only the loop writes replies, so 150, 226 and anything said
/// in between never interleave.
/// </summary>
public sealed partial class FtpSession
{
    /// <summary>Where an upload goes before it is complete: a dot file no listing shows.</summary>
    internal const string UploadPrefix = ".netkit-upload-";

    private enum StoreKind { Replace, Append, Unique }

    private enum ListKind { Long, Names, Facts }

    /// <summary>The transfer in flight: its task (the reply it ends with), how to stop it, and its byte count for STAT.</summary>
    private sealed class RunningTransfer(string description, CancellationTokenSource cancel)
    {
        public string Description { get; } = description;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task<FtpReply> Task { get; set; } = null!;

        public long Bytes;

        /// <summary>For uploads: makes the stored file final (rename) or throws it away.</summary>
        public Func<bool, FtpReply?>? Commit { get; set; }
    }

    private async Task PassiveAsync(bool extended, string argument)
    {
        if (extended && argument.Equals("ALL", StringComparison.OrdinalIgnoreCase))
        {
            _extendedPassiveOnly = true;
            await ReplyAsync(200, "EPSV ALL ok; only EPSV from now on.");
            return;
        }

        if (!extended && _extendedPassiveOnly)
        {
            await ReplyAsync(503, "After EPSV ALL only EPSV is allowed.");
            return;
        }

        var local = Normalize(LocalAddress);
        if (extended && argument.Length > 0 && argument != (local.AddressFamily == AddressFamily.InterNetworkV6 ? "2" : "1"))
        {
            await ReplyAsync(argument is "1" or "2" ? 522 : 501, argument is "1" or "2" ? "Network protocol not supported, use (1,2)." : "EPSV takes 1, 2 or ALL.");
            return;
        }

        var announced = _options.PublicAddress ?? local;
        if (!extended && announced.AddressFamily != AddressFamily.InterNetwork)
        {
            await ReplyAsync(425, "PASV cannot name an IPv6 address; use EPSV.");
            return;
        }

        _data?.Dispose();
        _data = null;
        try
        {
            _data = FtpDataChannel.Listen(local, _options.PassivePortMin, _options.PassivePortMax, PeerAddress);
        }
        catch (IOException ex)
        {
            await ReplyAsync(425, $"Cannot open a passive port: {ex.Message}.");
            return;
        }

        var port = _data.ListenEndPoint!.Port;
        await ReplyAsync(extended
            ? new FtpReply(229, string.Create(CultureInfo.InvariantCulture, $"Entering Extended Passive Mode (|||{port}|)."))
            : new FtpReply(227, $"Entering Passive Mode ({FtpAddresses.FormatHostPort(new IPEndPoint(announced, port))})."));
    }

    private async Task ActiveAsync(bool extended, string argument)
    {
        if (_extendedPassiveOnly)
        {
            await ReplyAsync(503, "After EPSV ALL only EPSV is allowed.");
            return;
        }

        IPEndPoint target;
        if (extended)
        {
            if (!FtpAddresses.TryParseExtended(argument, out target))
            {
                var fields = argument.Length > 2 ? argument.Split(argument[0]) : [];
                var family = fields.Length == 5 ? fields[1] : null;
                await ReplyAsync(family is not null and not ("1" or "2") ? 522 : 501, family is not null and not ("1" or "2") ? "Network protocol not supported, use (1,2)." : "EPRT syntax error.");
                return;
            }
        }
        else if (!FtpAddresses.TryParseHostPort(argument, out target))
        {
            await ReplyAsync(501, "PORT syntax error.");
            return;
        }

        // RFC 2577: never connect to a third host (the bounce attack) or a privileged port.
        if (!FtpDataChannel.IsSameHost(target.Address, PeerAddress) || target.Port < 1024)
        {
            await ReplyAsync(501, "Rejected: the data connection must go to your own address and a port above 1023.");
            return;
        }

        _data?.Dispose();
        _data = FtpDataChannel.Connect(target, PeerAddress);
        await ReplyAsync(200, $"{(extended ? "EPRT" : "PORT")} command successful.");
    }

    private async Task StartRetrieveAsync(string argument, long rest)
    {
        var (path, physical) = Resolve(argument);
        if (!File.Exists(physical))
        {
            await ReplyAsync(550, "No such file.");
            return;
        }

        if (_data is null)
        {
            await ReplyAsync(425, "Use PORT, EPRT, PASV or EPSV first.");
            return;
        }

        var file = new FileStream(physical, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (rest > file.Length)
        {
            await file.DisposeAsync();
            await ReplyAsync(554, "Restart offset beyond the end of the file.");
            return;
        }

        file.Position = rest;
        var length = file.Length - rest;
        var binary = _binary;
        await ReplyAsync(150, string.Create(CultureInfo.InvariantCulture, $"Opening {(binary ? "BINARY" : "ASCII")} mode data connection for {path} ({length} bytes)."));
        StartTransfer($"RETR {path}", async (data, transfer, ct) =>
        {
            await using (file)
            {
                await SendFileAsync(file, data, binary, transfer, ct);
            }

            return null;
        }, onNotOpened: () => file.Dispose());
    }

    private async Task StartStoreAsync(string argument, long rest, StoreKind kind)
    {
        string path, physical;
        if (kind == StoreKind.Unique)
        {
            var baseName = argument.Length == 0 ? "file" : argument;
            (path, physical) = Resolve(baseName);
            for (var n = 1; Path.Exists(physical); n++)
            {
                (path, physical) = Resolve(string.Create(CultureInfo.InvariantCulture, $"{baseName}.{n}"));
            }
        }
        else
        {
            (path, physical) = Resolve(argument);
        }

        var directory = Path.GetDirectoryName(physical)!;
        if (path == "/" || Directory.Exists(physical) || !Directory.Exists(directory) || Path.GetFileName(physical).StartsWith(UploadPrefix, StringComparison.Ordinal))
        {
            await ReplyAsync(553, "Cannot store to that name.");
            return;
        }

        if (_data is null)
        {
            await ReplyAsync(425, "Use PORT, EPRT, PASV or EPSV first.");
            return;
        }

        // A plain upload goes to a temporary name and becomes the file only once complete;
        // APPE and a restarted STOR continue the real file, as they must.
        var inPlace = kind == StoreKind.Append || rest > 0;
        var target = inPlace ? physical : Path.Join(directory, UploadPrefix + Guid.NewGuid().ToString("N") + ".part");
        FileStream file;
        if (kind == StoreKind.Append)
        {
            file = new FileStream(physical, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
        }
        else if (rest > 0)
        {
            file = new FileStream(physical, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
            if (rest > file.Length)
            {
                await file.DisposeAsync();
                await ReplyAsync(554, "Restart offset beyond the end of the file.");
                return;
            }

            file.SetLength(rest);
            file.Position = rest;
        }
        else
        {
            file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        }

        var binary = _binary;
        await ReplyAsync(150, kind == StoreKind.Unique ? $"FILE: {path}" : $"Ok to send data for {path}.");
        StartTransfer($"STOR {path}", async (data, transfer, ct) =>
        {
            await using (file)
            {
                await ReceiveFileAsync(data, file, binary, transfer, ct);
                // Acknowledged means durable: on the disk before the 226.
                file.Flush(flushToDisk: true);
            }

            return null;
        }, onNotOpened: () => Discard(file, inPlace ? null : target), commit: inPlace ? null : ok =>
        {
            if (!ok)
            {
                TryDelete(target);
                return null;
            }

            if (kind == StoreKind.Unique)
            {
                if (Path.Exists(physical))
                {
                    TryDelete(target);
                    return new FtpReply(553, "The unique name was taken meanwhile; try again.");
                }

                File.Move(target, physical);
                return new FtpReply(226, $"Transfer complete; stored as {path}.");
            }

            File.Move(target, physical, overwrite: true);
            return null;
        });
    }

    private async Task StartListAsync(ListKind kind, string argument)
    {
        var (path, physical) = Resolve(kind == ListKind.Facts ? (argument.Length == 0 ? "." : argument) : StripListOptions(argument) is { Length: > 0 } a ? a : ".");
        var isDirectory = Directory.Exists(physical);
        if (!isDirectory && (kind == ListKind.Facts || Entry(physical) is null))
        {
            await ReplyAsync(kind == ListKind.Facts && Entry(physical) is not null ? 501 : 550, kind == ListKind.Facts && Entry(physical) is not null ? "MLSD needs a directory." : "No such file or directory.");
            return;
        }

        if (_data is null)
        {
            await ReplyAsync(425, "Use PORT, EPRT, PASV or EPSV first.");
            return;
        }

        await ReplyAsync(150, $"Here comes the listing of {path}.");
        StartTransfer($"LIST {path}", async (data, transfer, ct) =>
        {
            var stream = new BufferedStream(data.Stream, 64 * 1024);
            foreach (var line in ListLines(physical, kind))
            {
                var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
                await stream.WriteAsync(bytes, ct);
                Interlocked.Add(ref transfer.Bytes, bytes.Length);
            }

            await stream.FlushAsync(ct);
            return null;
        }, onNotOpened: null);
    }

    /// <summary>The lines of a listing of a directory (its entries) or of one file.</summary>
    private IEnumerable<string> ListLines(string physical, ListKind kind)
    {
        var now = DateTimeOffset.UtcNow;
        if (!Directory.Exists(physical))
        {
            if (Entry(physical) is { } single)
            {
                yield return kind switch
                {
                    ListKind.Names => single.Name,
                    ListKind.Facts => FtpListing.FormatFacts(single, single.Name, !_readOnly),
                    _ => FtpListing.FormatList(single, single.Name, now),
                };
            }

            yield break;
        }

        var directory = new DirectoryInfo(physical);
        if (kind == ListKind.Facts)
        {
            yield return FtpListing.FormatFacts(directory, ".", !_readOnly, "cdir");
        }

        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Name.StartsWith(UploadPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            yield return kind switch
            {
                ListKind.Names => entry.Name,
                ListKind.Facts => FtpListing.FormatFacts(entry, entry.Name, !_readOnly),
                _ => FtpListing.FormatList(entry, entry.Name, now),
            };
        }
    }

    private void StartTransfer(string description, Func<FtpDataConnection, RunningTransfer, CancellationToken, Task<FtpReply?>> body, Action? onNotOpened, Func<bool, FtpReply?>? commit = null)
    {
        var channel = _data!;
        _data = null;
        var transfer = new RunningTransfer(description, CancellationTokenSource.CreateLinkedTokenSource(_stopping)) { Commit = commit };
        var certificate = _protectData ? _options.Certificate : null;
        transfer.Task = RunTransferAsync(channel, certificate, transfer, body, onNotOpened);
        _transfer = transfer;
    }

    private async Task<FtpReply> RunTransferAsync(FtpDataChannel channel, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        RunningTransfer transfer, Func<FtpDataConnection, RunningTransfer, CancellationToken, Task<FtpReply?>> body, Action? onNotOpened)
    {
        var ct = transfer.Cancel.Token;
        FtpDataConnection data;
        try
        {
            data = await channel.OpenAsync(certificate, _options.DataConnectionTimeout, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or SocketException or IOException or AuthenticationException or OperationCanceledException)
        {
            onNotOpened?.Invoke();
            return ex is OperationCanceledException
                ? new FtpReply(426, "Transfer aborted.")
                : new FtpReply(425, "Cannot open data connection" + (ex is AuthenticationException ? " (TLS handshake failed)." : "."));
        }
        finally
        {
            channel.Dispose();
        }

        try
        {
            return await body(data, transfer, ct) ?? new FtpReply(226, "Transfer complete.");
        }
        catch (OperationCanceledException)
        {
            return new FtpReply(426, "Transfer aborted.");
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException)
        {
            return DiskFull.Caused(ex) ? new FtpReply(452, "Insufficient storage space.") : new FtpReply(426, "Connection closed; transfer aborted.");
        }
        finally
        {
            await data.CloseAsync();
        }
    }

    private async Task SendFileAsync(FileStream file, FtpDataConnection data, bool binary, RunningTransfer transfer, CancellationToken ct)
    {
        var size = _options.TransferBufferSize;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var converted = binary ? null : ArrayPool<byte>.Shared.Rent(size * 2);
        var ascii = new FtpAscii();
        try
        {
            int n;
            while ((n = await file.ReadAsync(buffer.AsMemory(0, size), ct)) > 0)
            {
                var chunk = binary ? buffer.AsMemory(0, n) : converted.AsMemory(0, ascii.ToNetwork(buffer.AsSpan(0, n), converted));
                await data.Stream.WriteAsync(chunk, ct);
                Interlocked.Add(ref transfer.Bytes, n);
                // The control connection is quiet while data flows; it is not idle.
                _connection.Touch();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (converted is not null)
            {
                ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    /// <summary>
    /// Reads the upload into two buffers in turn: while one is being written to
    /// the file, the other fills from the network. Each buffer is filled whole
    /// before it is written, so the disk sees few large writes, not one per packet.
    /// </summary>
    private async Task ReceiveFileAsync(FtpDataConnection data, FileStream file, bool binary, RunningTransfer transfer, CancellationToken ct)
    {
        var size = _options.TransferBufferSize;
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(size), ArrayPool<byte>.Shared.Rent(size)];
        var writer = new FtpUploadWriter(file.SafeFileHandle, file.Position);
        var ascii = new FtpAscii();
        try
        {
            for (var turn = 0; ; turn ^= 1)
            {
                var buffer = buffers[turn];
                var filled = await FillAsync(data.Stream, buffer.AsMemory(0, size), transfer, ct);
                var length = binary ? filled : ascii.ToLocal(buffer.AsSpan(0, filled), buffer);
                if (length > 0)
                {
                    await writer.WriteAsync(buffer.AsMemory(0, length), ct);
                }

                if (filled < size)
                {
                    break;
                }
            }

            await writer.CompleteAsync();
            if (!binary)
            {
                await writer.WriteAsync(buffers[0].AsMemory(0, ascii.Flush(buffers[0])), ct);
                await writer.CompleteAsync();
            }
        }
        finally
        {
            // A write may still hold a buffer when the transfer fails; the pool gets it back only after.
            await writer.DrainAsync();
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the sender is done; returns how much came.</summary>
    private async Task<int> FillAsync(Stream stream, Memory<byte> buffer, RunningTransfer transfer, CancellationToken ct)
    {
        var filled = 0;
        int n;
        while (filled < buffer.Length && (n = await stream.ReadAsync(buffer[filled..], ct)) > 0)
        {
            filled += n;
            Interlocked.Add(ref transfer.Bytes, n);
            _connection.Touch();
        }

        return filled;
    }

    /// <summary>The transfer task has ended: commit or discard an upload, then say how it went.</summary>
    private async Task FinishTransferAsync()
    {
        var transfer = _transfer!;
        _transfer = null;
        var reply = await transfer.Task;
        transfer.Cancel.Dispose();
        // A client that vanished mid-upload closes both connections; its partial file must not look complete.
        var controlGone = _pendingLine is { IsCompleted: true } pending && (!pending.IsCompletedSuccessfully || pending.Result.Status == LineStatus.EndOfStream);
        reply = Commit(transfer, reply, keep: reply.Code == 226 && !controlGone);
        FtpLog.TransferEnded(_logger, _connection.Remote, UserName, transfer.Description, reply.Code, Interlocked.Read(ref transfer.Bytes));
        if (!controlGone)
        {
            await ReplyAsync(reply);
        }
    }

    /// <summary>Makes an upload final (or throws it away) and returns the reply that says how it ended.</summary>
    private static FtpReply Commit(RunningTransfer transfer, FtpReply reply, bool keep)
    {
        try
        {
            return transfer.Commit?.Invoke(keep) ?? reply;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return keep ? new FtpReply(DiskFull.Caused(ex) ? 452 : 550, Describe(ex)) : reply;
        }
    }

    /// <summary>Commands that arrive while data flows: ABOR, STAT, NOOP and QUIT are served; the rest wait their turn (503).</summary>
    private async Task HandleDuringTransferAsync(FtpRequest request)
    {
        switch (request.Verb)
        {
            case "ABOR":
                await _transfer!.Cancel.CancelAsync();
                var transfer = _transfer;
                _transfer = null;
                var reply = await transfer.Task;
                transfer.Cancel.Dispose();
                // A transfer that had already finished stands (its upload is kept); one that was cut is 426.
                reply = Commit(transfer, reply, keep: reply.Code == 226);
                FtpLog.TransferEnded(_logger, _connection.Remote, UserName, transfer.Description, reply.Code, Interlocked.Read(ref transfer.Bytes));
                // RFC 959: the transfer's reply (426 when it was cut), then 226 for the ABOR.
                await ReplyAsync(reply.Code == 226 ? reply : new FtpReply(426, "Transfer aborted."));
                await ReplyAsync(226, "ABOR successful.");
                return;
            case "STAT":
                await StatAsync(string.Empty);
                return;
            case "NOOP":
                await ReplyAsync(200, "OK.");
                return;
            case "QUIT":
                await AbandonTransferAsync();
                State = FtpSessionState.Closed;
                await ReplyAsync(221, "Goodbye.");
                return;
            default:
                await ReplyAsync(503, "A transfer is in progress; wait for it or send ABOR.");
                return;
        }
    }

    /// <summary>Stops a transfer whose client is gone or is leaving; an unfinished upload is thrown away.</summary>
    private async Task AbandonTransferAsync()
    {
        if (_transfer is not { } transfer)
        {
            return;
        }

        _transfer = null;
        await transfer.Cancel.CancelAsync();
        Commit(transfer, await transfer.Task, keep: false);
        transfer.Cancel.Dispose();
    }

    private static void Discard(FileStream file, string? temporary)
    {
        file.Dispose();
        if (temporary is not null)
        {
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do; the name is a hidden upload name no listing shows.
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
