using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using NetKit.Mail;
using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Nntp.Server;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Nntp;

/// <summary>Our news server in this process on a free loopback port, over a news store in a temporary directory.</summary>
internal sealed class NntpServerHarness : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> SelfSigned = new(() => TlsCertificates.CreateSelfSigned());
    private readonly StreamServer _listener;

    private NntpServerHarness(string directory, NewsStore store, MailStore users, StreamServer listener)
    {
        Directory = directory;
        Store = store;
        Users = users;
        _listener = listener;
    }

    public static X509Certificate2 Certificate => SelfSigned.Value;

    public string Directory { get; }

    public NewsStore Store { get; }

    /// <summary>The mail store whose users AUTHINFO checks (alice / secret-pw is there).</summary>
    public MailStore Users { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Starts with groups local.test (described) and local.misc, and user alice.</summary>
    public static async Task<NntpServerHarness> StartAsync(NntpServerOptions? options = null, ILogger? logger = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "netkit-nntp-" + Guid.NewGuid().ToString("N"));
        var store = NewsStore.Open(directory);
        var users = MailStore.Open(directory);
        await store.AddGroupAsync("local.test", "Tests of NetKit's news server");
        await store.AddGroupAsync("local.misc");
        await users.AddUserAsync("alice", "secret-pw");
        var server = new NntpServer(store, (options ?? new NntpServerOptions()) with { Users = users }, logger);
        return new NntpServerHarness(directory, store, users, server.Listen(new IPEndPoint(IPAddress.Loopback, 0)));
    }

    /// <summary>A raw client that has read the greeting.</summary>
    public async Task<RawLineClient> ConnectRawAsync()
    {
        var client = await RawLineClient.ConnectAsync(Port);
        Assert.StartsWith("20", await client.ReadLineAsync(), StringComparison.Ordinal);
        return client;
    }

    public async Task<NntpClient> ConnectClientAsync(NntpClientOptions? options = null)
    {
        var client = new NntpClient(options ?? new NntpClientOptions { AcceptAnyCertificate = true });
        await client.ConnectAsync("127.0.0.1", Port);
        return client;
    }

    public static string Article(string groups, string subject, string body = "Hello.\r\n", string? messageId = null) =>
        $"From: Tester <tester@example.com>\r\nNewsgroups: {groups}\r\nSubject: {subject}\r\n"
        + (messageId is null ? "" : $"Message-ID: {messageId}\r\n") + "\r\n" + body;

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await Store.DisposeAsync();
        await Users.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
