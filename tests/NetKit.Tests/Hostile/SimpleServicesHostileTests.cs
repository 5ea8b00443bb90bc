using System.Net;
using NetKit.Net;
using NetKit.Services;
using NetKit.Tests.Support;
using NetKit.Transport;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>The simple services (echo, reverse, discard, daytime, chargen, greeting), each on its own loopback port.</summary>
public sealed class SimpleServicesHostileServer : IAsyncLifetime
{
    private readonly Dictionary<string, StreamServer> _servers = [];

    public int Port(string service) => ((IPEndPoint)_servers[service].LocalEndPoint!).Port;

    public Task InitializeAsync()
    {
        foreach (var name in new[] { "echo", "reverse", "discard", "daytime", "chargen", "greeting" })
        {
            var server = new StreamServer(name, new IPEndPoint(IPAddress.Loopback, 0), ServiceCatalog.Find(name)!.StreamHandler!);
            server.Start();
            _servers[name] = server;
        }

        return Task.CompletedTask;
    }

    /// <summary>The service named, as a hostile target with its probe and its normal client.</summary>
    public IHostileServer For(string service) => new Target(this, service);

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }

    private sealed class Target(SimpleServicesHostileServer services, string service) : IHostileServer
    {
        private int Port => services.Port(service);

        public string Probe => service switch
        {
            "echo" => "probe\r\n",
            "reverse" => "probe\r\n",
            _ => "", // discard and chargen keep the connection but answer nothing a probe could tell apart.
        };

        public string ProbeReply => service == "echo" ? "probe" : "eborp";

        public Task<RawLineClient> ConnectAsync() => RawLineClient.ConnectAsync(Port);

        /// <summary>A normal exchange with every service: our clients where NetKit has one, a raw socket elsewhere.</summary>
        public async Task NormalClientAsync()
        {
            var endpoint = NetEndpoint.Tcp("127.0.0.1", Port);
            switch (service)
            {
                case "greeting":
                    Assert.Equal(GreetingService.Greeting + "\r\n", await GreetingClient.ReadAsync(endpoint));
                    return;
                case "reverse":
                    await using (var reverse = await ReverseClient.ConnectAsync(endpoint))
                    {
                        Assert.Equal("enif", await reverse.ReverseAsync("fine"));
                    }

                    return;
            }

            using var raw = await RawLineClient.ConnectAsync(Port);
            switch (service)
            {
                case "echo":
                    await raw.SendAsync("round trip\r\n");
                    Assert.Equal("round trip\r\n", await raw.ReadLineAsync());
                    break;
                case "discard":
                    await raw.SendAsync("into the void\r\n");
                    raw.ShutdownSend();
                    Assert.Equal("", await raw.ReadToEndAsync());
                    break;
                case "daytime":
                    Assert.EndsWith("\r\n", await raw.ReadLineAsync(), StringComparison.Ordinal);
                    break;
                case "chargen":
                    Assert.Equal(ChargenFirstLine + "\r\n", await raw.ReadLineAsync());
                    break;
            }
        }
    }

    /// <summary>RFC 864's first line: 72 characters from ' '.</summary>
    public static readonly string ChargenFirstLine = new([.. Enumerable.Range(0, 72).Select(i => (char)(' ' + i))]);
}

public sealed class SimpleServicesHostileTests(SimpleServicesHostileServer server)
    : HostileTests<SimpleServicesHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<SimpleServicesHostileServer>
{
    private static readonly string Big = new('e', 200_000);

    /// <summary>A case's service is the word before its name's colon.</summary>
    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("echo: NUL bytes come back", Say("a\0b\0\r\n", "a\0b\0"))
        .Open("echo: invalid UTF-8 comes back byte for byte", Say("\u00ff\u00fe\u00c3(\r\n", "\uFFFD\uFFFD\uFFFD("))
        .Open("echo: bare CR comes back", Say("one\rtwo\r\n", "one\rtwo"))
        .Open("echo: bare LF comes back", Say("line\n", "line"))
        .Open("echo: a 200000-byte line comes back", Say(Big + "\n", Big))
        .Open("echo: Telnet IAC bytes are data", Say("\u00ff\u00fd\u0001x\r\n", "\uFFFD\uFFFD\u0001x"))
        .Open("echo: pipelined flood of 5000 lines", Say(Repeat(5000, "flood\r\n"), Times(5000, "flood")))
        .Open("echo: an HTTP request is only bytes", Say("GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1", ""))
        .Open("reverse: an overlong line", Say(new string('r', 9000) + "\r\n", "error: line longer than 8192 bytes"))
        .Open("reverse: invalid UTF-8", Say("ab\u00ff\r\n", "error: invalid UTF-8 at byte 2 (0xFF)"))
        .Open("reverse: an overlong UTF-8 encoding", Say("\u00c0\u00af\r\n", "error: invalid UTF-8 at byte 0 (0xC0)"))
        .Open("reverse: a UTF-8 encoded surrogate", Say("\u00ed\u00a0\u0080\r\n", "error: invalid UTF-8 at byte 0 (0xED)"))
        .Open("reverse: NUL is a character", Say("a\0b\r\n", "b\0a"))
        .Open("reverse: bare LF keeps its ending", Say("abc\n", "cba"))
        .Open("reverse: combining marks stay on their letter", Say(Utf8("e\u0301a\r\n"), "ae\u0301"))
        .Open("reverse: an emoji with a skin tone stays whole", Say(Utf8("x\U0001F44D\U0001F3FD\r\n"), "\U0001F44D\U0001F3FDx"))
        .Open("reverse: pipelined flood of 3000 lines", Say(Repeat(3000, "abc\r\n"), Times(3000, "cba")))
        .Open("discard: NUL and invalid UTF-8", Say("\0\u00ff\u00fe\r\n"))
        .Open("discard: a megabyte without a line end", Say(new string('d', 1 << 20)))
        .Open("discard: an HTTP request", Say("GET / HTTP/1.1\r\n\r\n"))
        .Open("discard: Telnet negotiation", Say("\u00ff\u00fd\u0001\u00ff\u00fb\u0003"))
        .Closed("daytime: input is ignored", Say("what time is it?\r\n", "*"))
        .Closed("daytime: NUL and invalid UTF-8 are ignored", Say("\0\u00ff\r\n", "*"))
        .Closed("daytime: a flood is ignored", Say(new string('t', 100_000), "*"))
        .Closed("greeting: input is ignored", Say("hello?\r\n", GreetingService.Greeting))
        .Closed("greeting: NUL and invalid UTF-8 are ignored", Say("\0\u00ff\r\n", GreetingService.Greeting))
        .Closed("greeting: a flood is ignored", Say(new string('g', 100_000), GreetingService.Greeting))
        .Open("chargen: input is discarded, the pattern goes on", Say("stop!\r\n", SimpleServicesHostileServer.ChargenFirstLine))
        .Open("chargen: NUL and invalid UTF-8 are discarded", Say("\0\u00ff\u00fe\r\n", SimpleServicesHostileServer.ChargenFirstLine))
        .Open("chargen: a flood while it sends", Say(new string('c', 500_000), SimpleServicesHostileServer.ChargenFirstLine));

    /// <summary>A case's name starts with the service it is played against ("echo: ...").</summary>
    protected override Task RunAsync(HostileCase hostile) =>
        HostileRunner.RunAsync(server.For(hostile.Name[..hostile.Name.IndexOf(':', StringComparison.Ordinal)]), hostile);
}
