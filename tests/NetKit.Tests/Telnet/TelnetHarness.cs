using System.Net;
using System.Text.RegularExpressions;
using NetKit.Net;
using NetKit.Telnet;
using NetKit.Transport;

namespace NetKit.Tests.Telnet;

/// <summary>A TelnetServer with the NetKit console (or another application) on a loopback port, in this process.</summary>
public sealed class TelnetHarness : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    public static readonly Regex Prompt = new(Regex.Escape(NetKitConsole.Prompt));

    private readonly StreamServer _server;

    private TelnetHarness(StreamServer server, TelnetServer telnet)
    {
        _server = server;
        Telnet = telnet;
    }

    public TelnetServer Telnet { get; }

    public int Port => ((IPEndPoint)_server.LocalEndPoint!).Port;

    public static TelnetHarness Start(TelnetServerOptions? options = null, TelnetApplication? application = null)
    {
        var console = new NetKitConsole(null, () => ["status: fine"]);
        var telnet = new TelnetServer(application ?? console.RunAsync, options);
        var server = new StreamServer("telnet", new IPEndPoint(IPAddress.Loopback, 0), telnet.HandleAsync, new StreamServerOptions());
        server.Start();
        return new TelnetHarness(server, telnet);
    }

    public Task<TelnetClient> ConnectAsync(TelnetClientOptions? options = null) =>
        TelnetClient.ConnectAsync(NetEndpoint.Tcp("127.0.0.1", Port), options);

    /// <summary>Connects and waits for the console's first prompt.</summary>
    public async Task<TelnetClient> ConnectToPromptAsync(TelnetClientOptions? options = null)
    {
        var client = await ConnectAsync(options);
        await client.ExpectAsync([Prompt], Wait);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
