using System.Net;
using NetKit.Ftp.Client;
using NetKit.Ftp.Server;
using NetKit.Tests.Mail;
using NetKit.Transport;

namespace NetKit.Tests.Ftp;

/// <summary>
/// Our FTP server in process on 127.0.0.1 and a free port: a temporary root,
/// a temporary mail store with the user "alice" (password "secret"), and a
/// self-signed certificate for AUTH TLS. Everything goes away at the end.
/// </summary>
internal sealed class FtpTestServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "secret";

    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificate = new(() => TlsCertificates.CreateSelfSigned());
    private readonly TempMailStore _store;
    private readonly StreamServer _server;

    private FtpTestServer(TempMailStore store, StreamServer server, string root, FtpServerOptions options, StringWriter trace)
    {
        _trace = trace;
        _store = store;
        _server = server;
        Root = root;
        Options = options;
    }

    public string Root { get; }

    /// <summary>ROOT/alice: where alice's files live.</summary>
    public string UserRoot => Path.Combine(Root, User);

    public FtpServerOptions Options { get; }

    public int Port => ((IPEndPoint)_server.LocalEndPoint!).Port;

    private readonly StringWriter _trace;

    /// <summary>The server's wire trace so far (every connection); read it once the clients are done.</summary>
    public string Trace => _trace.ToString();

    public static async Task<FtpTestServer> StartAsync(Func<FtpServerOptions, FtpServerOptions>? configure = null, bool implicitTls = false, IPAddress? address = null, Func<StreamServerOptions, StreamServerOptions>? transport = null)
    {
        var store = TempMailStore.Create();
        await store.Store.AddUserAsync(User, Password);
        var root = Directory.CreateTempSubdirectory("nk-ftp-").FullName;
        var options = new FtpServerOptions
        {
            Root = root,
            Authenticate = FtpMailStoreLogins.For(store.Store),
            Certificate = Certificate.Value,
            FailedLoginDelay = TimeSpan.FromMilliseconds(10),
            DataConnectionTimeout = TimeSpan.FromSeconds(5),
            TransferBufferSize = 64 * 1024,
        };
        options = configure?.Invoke(options) ?? options;
        var trace = new StringWriter();
        var serverOptions = new StreamServerOptions
        {
            Trace = new WireTrace(TextWriter.Synchronized(trace), TraceRole.Server),
            ImplicitTlsCertificate = implicitTls ? Certificate.Value : null,
            OnRejected = FtpSession.RejectAsync,
        };
        var server = new StreamServer("ftp", new IPEndPoint(address ?? IPAddress.Loopback, 0), FtpSession.Handler(options), transport?.Invoke(serverOptions) ?? serverOptions);
        server.Start();
        Directory.CreateDirectory(Path.Combine(root, User));
        return new FtpTestServer(store, server, root, options, trace);
    }

    /// <summary>Our client, logged in as alice.</summary>
    public async Task<FtpClient> ConnectAsync(FtpClientOptions? options = null, bool login = true)
    {
        var client = await FtpClient.ConnectAsync("127.0.0.1", Port, options ?? new FtpClientOptions { AcceptAnyCertificate = true, Timeout = TimeSpan.FromSeconds(10) });
        if (login)
        {
            await client.LoginAsync(User, Password);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _store.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
