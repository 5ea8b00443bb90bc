using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NetKit.Pop3.Server;
using NetKit.Transport;

namespace NetKit.Tests.Pop3;

/// <summary>Our POP3 server on a free loopback port over in-memory maildrops: user "alice", password "secret".</summary>
internal sealed class Pop3TestServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "secret";
    public const string ApopSecret = "tanstaaf";

    private readonly StreamServer _listener;

    private Pop3TestServer(InMemoryPop3Maildrops maildrops, StreamServer listener, X509Certificate2? certificate)
    {
        Maildrops = maildrops;
        _listener = listener;
        Certificate = certificate;
    }

    public InMemoryPop3Maildrops Maildrops { get; }

    public X509Certificate2? Certificate { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts a server. <paramref name="configure"/> adjusts the options (defaults here: plaintext
    /// login from loopback allowed, a 10 ms login delay, STLS with a self-signed certificate).
    /// </summary>
    public static Pop3TestServer Start(
        Func<Pop3ServerOptions, Pop3ServerOptions>? configure = null,
        bool implicitTls = false,
        InMemoryPop3Maildrops? maildrops = null,
        WireTrace? trace = null)
    {
        var certificate = TlsCertificates.CreateSelfSigned();
        if (maildrops is null)
        {
            maildrops = new InMemoryPop3Maildrops();
            maildrops.AddUser(User, Password, ApopSecret);
        }

        var options = new Pop3ServerOptions { AllowPlaintextLogin = true, LoginFailureDelay = TimeSpan.FromMilliseconds(10), Certificate = certificate };
        options = configure?.Invoke(options) ?? options;
        var server = new Pop3Server(maildrops, options);
        var transport = new StreamServerOptions { ImplicitTlsCertificate = implicitTls ? certificate : null, Trace = trace };
        return new Pop3TestServer(maildrops, server.Listen(new IPEndPoint(IPAddress.Loopback, 0), transport), certificate);
    }

    /// <summary>Adds a message (text with "\n" made CRLF) to alice's maildrop.</summary>
    public string Add(string text) => Maildrops.AddMessage(User, Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")));

    public string AddBytes(byte[] bytes) => Maildrops.AddMessage(User, bytes);

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        Certificate?.Dispose();
    }
}
