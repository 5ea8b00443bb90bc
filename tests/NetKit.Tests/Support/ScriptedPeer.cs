using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NetKit.Tests.Support;

/// <summary>
/// A misbehaving server for client tests: listens on a free 127.0.0.1 port and
/// plays the same script on every connection (send these bytes, expect a line,
/// stall, close, upgrade to TLS). Nothing is parsed: the script says exactly
/// which bytes go on the wire, so a test can lie about sizes or cut a reply.
/// </summary>
public sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Func<Session, CancellationToken, Task>> _steps = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];
    private Task? _accepting;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>"127.0.0.1:port", the form the clients' string overloads parse.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The lines the client sent (all connections), for asserting what it did not send.</summary>
    public List<string> Received { get; } = [];

    /// <summary>Sends these bytes as they are (no line ending added).</summary>
    public ScriptedPeer Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public ScriptedPeer Send(byte[] bytes) => Step(async (s, ct) =>
    {
        await s.Stream.WriteAsync(bytes, ct);
        await s.Stream.FlushAsync(ct);
    });

    /// <summary>Sends one line with CRLF.</summary>
    public ScriptedPeer Line(string line) => Send(line + "\r\n");

    /// <summary>Reads one line from the client (recorded in <see cref="Received"/>); the client closing first ends the script.</summary>
    public ScriptedPeer Expect() => Answer(_ => string.Empty);

    /// <summary>Reads one line and sends what <paramref name="answer"/> makes of it (an IMAP tag echoed back, say), as is.</summary>
    public ScriptedPeer Answer(Func<string, string> answer) => Step(async (s, ct) =>
    {
        var line = await s.ReadLineAsync(ct) ?? throw new EndOfStreamException("the client closed");
        lock (Received)
        {
            Received.Add(line);
        }

        await s.Stream.WriteAsync(Encoding.UTF8.GetBytes(answer(line)), ct);
        await s.Stream.FlushAsync(ct);
    });

    /// <summary>Reads one chunk of whatever the client sent (a TLS ClientHello, say) and drops it.</summary>
    public ScriptedPeer Swallow() => Step(async (s, ct) =>
    {
        if (await s.Stream.ReadAsync(new byte[16 * 1024], ct) == 0)
        {
            throw new EndOfStreamException("the client closed");
        }
    });

    /// <summary>Says nothing for this long (reads are not consumed).</summary>
    public ScriptedPeer Stall(TimeSpan time) => Step((_, ct) => Task.Delay(time, ct));

    /// <summary>Says nothing until the peer is disposed: a server that hangs.</summary>
    public ScriptedPeer StallForever() => Step((_, ct) => Task.Delay(Timeout.Infinite, ct));

    /// <summary>Closes the connection (the rest of the script is not played).</summary>
    public ScriptedPeer Close() => Step((s, _) =>
    {
        s.Socket.Close();
        return Task.CompletedTask;
    });

    /// <summary>Closes with a TCP reset (linger 0) instead of a clean FIN: the client's next read fails.</summary>
    public ScriptedPeer Reset() => Step((s, _) =>
    {
        s.Socket.LingerState = new LingerOption(true, 0);
        s.Socket.Close();
        return Task.CompletedTask;
    });

    /// <summary>Plays the server side of a TLS handshake with a fresh self-signed certificate.</summary>
    public ScriptedPeer UpgradeTls() => Step(async (s, ct) =>
    {
        var tls = new SslStream(s.Stream);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate.Value }, ct);
        s.Stream = tls;
    });

    /// <summary>Any step not covered above.</summary>
    public ScriptedPeer Step(Func<Session, CancellationToken, Task> step)
    {
        _steps.Add(step);
        return this;
    }

    /// <summary>Starts listening; the script runs on each accepted connection.</summary>
    public ScriptedPeer Start()
    {
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
        return this;
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_sessions)
            {
                _sessions.Add(PlayAsync(socket, ct));
            }
        }
    }

    private async Task PlayAsync(Socket socket, CancellationToken ct)
    {
        var session = new Session(socket);
        try
        {
            foreach (var step in _steps)
            {
                if (!socket.Connected)
                {
                    break;
                }

                await step(session, ct);
            }

            // The script is over: linger until the client goes or the peer stops,
            // so "the server said nothing more" is what the client sees.
            await session.DrainAsync(ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or EndOfStreamException or AuthenticationException)
        {
            // The client hung up or the handshake failed: both are what these tests provoke.
        }
        finally
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting;
        }

        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions);
        _stop.Dispose();
    }

    private static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    });

    /// <summary>One accepted connection, as the script's steps see it.</summary>
    public sealed class Session(Socket socket)
    {
        private readonly byte[] _one = new byte[1];

        public Socket Socket { get; } = socket;

        public Stream Stream { get; set; } = new NetworkStream(socket, ownsSocket: false);

        /// <summary>One CRLF- or LF-ended line, byte by byte so nothing after it is consumed; null at end of stream.</summary>
        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var line = new List<byte>();
            while (true)
            {
                if (await Stream.ReadAsync(_one, ct) == 0)
                {
                    return null;
                }

                if (_one[0] == '\n')
                {
                    return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
                }

                line.Add(_one[0]);
            }
        }

        public async Task DrainAsync(CancellationToken ct)
        {
            var buffer = new byte[4096];
            while (await Stream.ReadAsync(buffer, ct) > 0)
            {
            }
        }
    }
}
