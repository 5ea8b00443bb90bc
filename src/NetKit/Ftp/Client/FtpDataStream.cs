using System.Net.Security;
using NetKit.Transport;

namespace NetKit.Ftp.Client;

/// <summary>
/// The data connection of one RETR, STOR, APPE or listing, as a stream:
/// read a download, write an upload. <see cref="CompleteAsync"/> closes it and
/// waits for the server's final reply (226), which is when an upload is
/// stored; disposing without completing aborts.
/// </summary>
public sealed class FtpDataStream : Stream
{
    private readonly NetConnection _connection;
    private readonly FtpClient _client;
    private readonly IProgress<long>? _progress;
    private long _transferred;
    private bool _done;

    internal FtpDataStream(NetConnection connection, FtpClient client, bool writing, IProgress<long>? progress)
    {
        _connection = connection;
        _client = client;
        CanWrite = writing;
        _progress = progress;
    }

    /// <summary>The data connection broke under a write: the server closed it (disk full, ABOR); its reply says why.</summary>
    public bool ConnectionLost { get; private set; }

    /// <summary>Bytes moved so far on this connection.</summary>
    public long Transferred => _transferred;

    public override bool CanRead => !CanWrite;

    public override bool CanSeek => false;

    public override bool CanWrite { get; }

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _transferred; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (CanWrite)
        {
            throw new NotSupportedException("This is an upload stream.");
        }

        var n = await _connection.Stream.ReadAsync(buffer, cancellationToken);
        Count(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!CanWrite)
        {
            throw new NotSupportedException("This is a download stream.");
        }

        try
        {
            await _connection.Stream.WriteAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            ConnectionLost = true;
            throw;
        }

        Count(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Ends the transfer: closes the data connection (an upload's end of file) and reads the final reply; a refusal is an <see cref="FtpCommandException"/>.</summary>
    public async Task<FtpReply> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            throw new InvalidOperationException("The transfer is already complete.");
        }

        _done = true;
        await CloseConnectionAsync();
        return await _client.FinishTransferAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            _done = true;
            await CloseConnectionAsync();
            await _client.AbortTransferAsync(CancellationToken.None);
        }

        await base.DisposeAsync();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use WriteAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Count(int n)
    {
        _transferred += n;
        _progress?.Report(_transferred);
    }

    private async Task CloseConnectionAsync()
    {
        try
        {
            if (_connection.Stream is SslStream tls && CanWrite)
            {
                await tls.ShutdownAsync();
            }

            _connection.ShutdownSend();
            if (CanWrite)
            {
                // Read what the server still sends (TLS session tickets, its close_notify) up to
                // its FIN: closing with unread bytes would reset the connection and could cut
                // off the end of the upload before the server has read it.
                using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var scratch = new byte[4096];
                while (await _connection.Stream.ReadAsync(scratch, drain.Token) > 0)
                {
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
