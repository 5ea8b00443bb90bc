using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NetKit.Smtp.Server;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.Server;

/// <summary>Our SMTP server in this process on a free loopback port, with an in-memory store to look into.</summary>
internal sealed class SmtpServerHarness : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> SelfSigned = new(() => TlsCertificates.CreateSelfSigned());
    private readonly StreamServer _listener;

    private SmtpServerHarness(SmtpServer server, InMemorySmtpMessageStore store, StreamServer listener)
    {
        Server = server;
        Store = store;
        _listener = listener;
    }

    /// <summary>One self-signed certificate for every STARTTLS test (making one takes a moment).</summary>
    public static X509Certificate2 Certificate => SelfSigned.Value;

    public SmtpServer Server { get; }

    public InMemorySmtpMessageStore Store { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public static SmtpServerHarness Start(SmtpServerOptions? options = null, InMemorySmtpMessageStore? store = null, StreamServerOptions? transport = null)
    {
        store ??= new InMemorySmtpMessageStore();
        var server = new SmtpServer(store, options ?? new SmtpServerOptions());
        var listener = server.Listen(new IPEndPoint(IPAddress.Loopback, 0), transport);
        return new SmtpServerHarness(server, store, listener);
    }

    /// <summary>A connected client that has read the 220 greeting.</summary>
    public async Task<SmtpWireClient> ConnectAsync()
    {
        var client = await SmtpWireClient.ConnectAsync(Port);
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        return client;
    }

    /// <summary>Connected and greeted with EHLO.</summary>
    public async Task<SmtpWireClient> ConnectEhloAsync()
    {
        var client = await ConnectAsync();
        Assert.StartsWith("250", await client.CommandAsync("EHLO test.example"), StringComparison.Ordinal);
        return client;
    }

    public async ValueTask DisposeAsync() => await _listener.DisposeAsync();
}

/// <summary>
/// A bare-socket SMTP client for transcripts: sends exactly the bytes given,
/// reads whole replies (multi-line ones joined with '\n'). Optional TLS.
/// </summary>
internal sealed class SmtpWireClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private Stream _stream;
    private readonly List<byte> _pending = [];

    private SmtpWireClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public static async Task<SmtpWireClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new SmtpWireClient(socket);
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one command line (CRLF added) and returns the reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>The next whole reply: its lines without CRLF, joined with '\n'.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException($"the server closed the connection; reply so far: {string.Join('\n', lines)}");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>The three-digit code of the next reply.</summary>
    public async Task<int> ReadCodeAsync() => int.Parse((await ReadReplyAsync())[..3], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A line without its CRLF; null when the server closed first.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString([.. _pending.Take(newline)]).TrimEnd('\r');
                _pending.RemoveRange(0, newline + 1);
                return line;
            }

            var n = await _stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>True when the server has closed the connection (after any lines still unread).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            return await ReadLineAsync() is null;
        }
        catch (IOException)
        {
            return true; // Reset.
        }
    }

    /// <summary>The client side of a TLS handshake, trusting any certificate (the server's is self-signed).</summary>
    public async Task StartTlsAsync()
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        _stream = tls;
    }

    /// <summary>Closes abruptly (RST).</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
