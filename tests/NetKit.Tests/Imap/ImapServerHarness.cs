using System.Net;
using System.Security.Cryptography.X509Certificates;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Tests.Mail;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

/// <summary>Our IMAP server in this process on a free loopback port, over a mail store in a temporary directory, with users bob and alice.</summary>
internal sealed class ImapServerHarness : IAsyncDisposable
{
    public const string Password = "s3cret pass";
    private static readonly Lazy<X509Certificate2> SelfSigned = new(() => TlsCertificates.CreateSelfSigned());
    private readonly StreamServer listener;

    private ImapServerHarness(TempMailStore? temp, MailStore store, ImapServer server, StreamServer listener)
    {
        Temp = temp;
        Store = store;
        Server = server;
        this.listener = listener;
    }

    public static X509Certificate2 Certificate => SelfSigned.Value;

    /// <summary>The store's directory when the harness made it (and removes it at the end).</summary>
    public TempMailStore? Temp { get; }

    public MailStore Store { get; }

    public ImapServer Server { get; }

    public int Port => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Plaintext login allowed from loopback unless the options say otherwise; no delay after a failed login.</summary>
    public static async Task<ImapServerHarness> StartAsync(ImapServerOptions? options = null, StreamServerOptions? transport = null)
    {
        var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("bob", Password);
        await temp.Store.AddUserAsync("alice", Password);
        var server = new ImapServer(temp.Store, options ?? new ImapServerOptions { AllowPlaintextAuth = true, AuthFailureDelay = TimeSpan.Zero });
        var listener = server.Listen(new IPEndPoint(IPAddress.Loopback, 0), transport);
        return new ImapServerHarness(temp, temp.Store, server, listener);
    }

    /// <summary>A server over a store the test owns (to restart the server over the same file).</summary>
    public static Task<ImapServerHarness> StartOverAsync(MailStore store)
    {
        var server = new ImapServer(store, new ImapServerOptions { AllowPlaintextAuth = true, AuthFailureDelay = TimeSpan.Zero });
        var listener = server.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.FromResult(new ImapServerHarness(null, store, server, listener));
    }

    /// <summary>A message for bob (and whoever else is named) delivered as SMTP would.</summary>
    public Task<IReadOnlyList<StoredMessage>> DeliverAsync(byte[] raw, params string[] accounts) =>
        Store.DeliverAsync(TempMailStore.Delivery(raw, accounts.Length == 0 ? ["bob"] : accounts));

    /// <summary>A raw client that has read the greeting.</summary>
    public async Task<ImapWireClient> ConnectAsync()
    {
        var client = new ImapWireClient(await RawLineClient.ConnectAsync(Port));
        Assert.StartsWith("* OK ", await client.ReadLineAsync(), StringComparison.Ordinal);
        return client;
    }

    /// <summary>Connected and logged in as bob.</summary>
    public async Task<ImapWireClient> LoginAsync(string user = "bob")
    {
        var client = await ConnectAsync();
        var reply = await client.CommandAsync($"L1 LOGIN {user} \"{Password}\"");
        Assert.StartsWith("L1 OK", reply[^1], StringComparison.Ordinal);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await listener.DisposeAsync();
        if (Temp is not null)
        {
            await Temp.DisposeAsync();
        }
    }
}

/// <summary>Sends command lines and collects response lines up to the tagged one.</summary>
internal sealed class ImapWireClient(RawLineClient raw) : IDisposable
{
    public RawLineClient Raw { get; } = raw;

    public async Task<string> ReadLineAsync() => (await Raw.ReadLineAsync()).TrimEnd('\r', '\n');

    /// <summary>Sends one line (CRLF added) and returns every line up to and including the tagged reply.</summary>
    public async Task<List<string>> CommandAsync(string line)
    {
        await Raw.SendAsync(line + "\r\n");
        return await ReadUntilTaggedAsync(line.Split(' ')[0]);
    }

    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    public void Dispose() => Raw.Dispose();
}
