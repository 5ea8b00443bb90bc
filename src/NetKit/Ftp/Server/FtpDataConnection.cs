using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Ftp.Server;

/// <summary>
/// An open data connection: a socket and the stream to use on it (plain, or
/// TLS after PROT P). Not a <see cref="Transport.NetConnection"/>: it needs no
/// idle tracking or trace, and its TLS sends no session tickets (see <see cref="UpgradeAsync"/>).
/// </summary>
internal sealed class FtpDataConnection(Socket socket) : IAsyncDisposable
{
    public Stream Stream { get; private set; } = new NetworkStream(socket, ownsSocket: false);

    /// <summary>
    /// The server's TLS handshake, in TLS 1.2. A TLS 1.3 server sends its
    /// session tickets after the handshake, as data an uploading client never
    /// reads; a client closing with unread bytes resets the connection, and the
    /// reset can cut off the end of its upload. Measured with TLS 1.3 here
    /// (2026-11-26, OpenSSL 3.0): curl 7.88 uploads of 2 MB got 426 in 9 of 15
    /// tries, lftp 4.9 (GnuTLS) uploads failed every time, ftplib (which reads
    /// to the close) and all downloads worked. AllowTlsResume = false does not
    /// help: OpenSSL still sends two (stateful) tickets, and .NET offers no
    /// SSL_CTX_set_num_tickets. TLS 1.2 finishes everything inside the
    /// handshake. The control connection keeps TLS 1.3.
    /// Requiring that the data connection resume the control connection's
    /// session (vsftpd's require_ssl_reuse) is not possible either: SslStream
    /// says neither whether a handshake resumed a session nor which one.
    /// </summary>
    public async Task UpgradeAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var tls = new SslStream(Stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = SslProtocols.Tls12 }, cancellationToken);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        Stream = tls;
    }

    /// <summary>Ends the connection cleanly: TLS close_notify, then FIN, then close.</summary>
    public async Task CloseAsync()
    {
        try
        {
            if (Stream is SslStream tls)
            {
                await tls.ShutdownAsync();
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client closed first; nothing more to say to it.
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Stream.DisposeAsync();
        }
        catch (IOException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }
}
