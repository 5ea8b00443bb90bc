using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NetKit.Smtp;

namespace NetKit.Tests.Support;

/// <summary>
/// An SMTP client made of a socket and the shared reply parser, nothing else:
/// a test sends exactly the bytes it means (pipelined, malformed, cut short)
/// and sees each reply as it came. Not NetKit's client, so a server bug cannot
/// hide behind a matching client bug. Every call has a timeout.
/// </summary>
public sealed class SmtpWireClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    private SmtpWireClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>Bytes that came after the last whole line read (a server must not send any after a reply it ends with).</summary>
    public int Buffered => _end - _start;

    /// <summary>Connects and reads the 220 banner.</summary>
    public static async Task<(SmtpWireClient Client, SmtpReply Banner)> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var timeout = Timeout(cancellationToken))
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            }

            var client = new SmtpWireClient(socket);
            return (client, await client.ReadReplyAsync(cancellationToken));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects, checks the 220 banner and says EHLO; returns the EHLO reply.</summary>
    public static async Task<(SmtpWireClient Client, SmtpReply Ehlo)> ConnectEhloAsync(int port, CancellationToken cancellationToken = default)
    {
        var (client, banner) = await ConnectAsync(port, cancellationToken);
        Assert.True(banner.Code == 220, $"banner: {banner}");
        var ehlo = await client.CommandAsync("EHLO client.example", cancellationToken);
        Assert.True(ehlo.Code == 250, $"EHLO: {ehlo}");
        return (client, ehlo);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
    }

    public Task SendAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Sends one command line (CRLF added) and reads its reply.</summary>
    public async Task<SmtpReply> CommandAsync(string line, CancellationToken cancellationToken = default)
    {
        await SendAsync(line + "\r\n", cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>MAIL, each RCPT, DATA, the message (dot-stuffed here) and the dot; every reply, the last one being the answer to the message.</summary>
    public async Task<SmtpReply> SendMailAsync(string from, IEnumerable<string> to, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var mail = await CommandAsync($"MAIL FROM:<{from}>", cancellationToken);
        Assert.True(mail.Code == 250, $"MAIL FROM:<{from}>: {mail}");
        foreach (var recipient in to)
        {
            var rcpt = await CommandAsync($"RCPT TO:<{recipient}>", cancellationToken);
            Assert.True(rcpt.Code == 250, $"RCPT TO:<{recipient}>: {rcpt}");
        }

        var data = await CommandAsync("DATA", cancellationToken);
        Assert.True(data.Code == 354, $"DATA: {data}");
        await SendAsync(DotStuffer.Encode(message.Span), cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>One whole reply (multi-line replies joined); fails if the connection ends first.</summary>
    public async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken = default)
    {
        var parser = new SmtpReplyParser();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken)
                ?? throw new IOException("the server closed the connection before a whole reply");
            if (parser.Add(line) is { } reply)
            {
                return reply;
            }
        }
    }

    /// <summary>The next line without its CRLF, or null when the server has closed the connection.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException($"a reply line longer than {_buffer.Length} bytes");
            }

            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
            if (n == 0)
            {
                return null;
            }

            _end += n;
        }
    }

    /// <summary>Everything left until the server closes the connection, as text (empty when it closes at once).</summary>
    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        while (await ReadLineAsync(cancellationToken) is { } line)
        {
            text.Append(line).Append('\n');
        }

        text.Append(Encoding.UTF8.GetString(_buffer, _start, _end - _start));
        _start = _end = 0;
        return text.ToString();
    }

    /// <summary>
    /// The TLS handshake on the connection as it stands (after the server's 220 to STARTTLS).
    /// Fails if the server sent anything in plaintext after that reply. The certificate must be
    /// <paramref name="expected"/> (the server's self-signed one), or anything when null.
    /// </summary>
    public async Task StartTlsAsync(X509Certificate2? expected, CancellationToken cancellationToken = default)
    {
        Assert.True(Buffered == 0, $"the server sent {Buffered} plaintext bytes after its STARTTLS reply");
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
            expected is null || (certificate is not null && certificate.GetCertHashString() == expected.GetCertHashString()));
        using var timeout = Timeout(cancellationToken);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
        _stream = tls;
    }

    /// <summary>Closes our side (FIN) but keeps reading.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes abruptly: a reset (RST) instead of a FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        return timeout;
    }
}
