using System.Text;
using NetKit.Smtp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Load;

/// <summary>
/// One `netkit serve` with the line protocols on loopback port 0, a data directory of its own
/// holding user bob (password pw), plaintext logins allowed from loopback and newsgroup
/// local.load; and what the load tests do on each protocol: prove a connection is served
/// (its greeting, or an answer) and run a normal session.
/// </summary>
internal sealed class LoadServe : IAsyncDisposable
{
    public const string User = "bob";
    public const string Password = "pw";
    public const string Group = "local.load";
    private readonly string _data;

    private LoadServe(string data, ServeProcess serve)
    {
        _data = data;
        Serve = serve;
    }

    public ServeProcess Serve { get; }

    /// <summary>Starts `netkit serve` with each of <paramref name="services"/> on port 0 and <paramref name="options"/>.</summary>
    public static async Task<LoadServe> StartAsync(IEnumerable<string> services, params string[] options)
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, User, Password);
            Directory.CreateDirectory(Path.Combine(data, "ftp", User));
            var serve = await ServeProcess.StartAsync(
                [.. services.Select(s => s + "=127.0.0.1:0"), "--data", data, "--allow-plaintext-auth", "--newsgroup", Group, "--quiet", .. options]);
            return new LoadServe(data, serve);
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }
    }

    public int Port(string service) => Serve.Port(service);

    /// <summary>The server process's open descriptors (sockets, files), from /proc.</summary>
    public int Descriptors => Directory.GetFiles($"/proc/{Serve.Process.Id}/fd").Length;

    /// <summary>Connects to <paramref name="service"/> and proves the connection is served: its greeting, or the answer to one line.</summary>
    public async Task<RawLineClient> ConnectServedAsync(string service)
    {
        var client = await RawLineClient.ConnectAsync(Port(service));
        try
        {
            await GreetAsync(service, client);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task GreetAsync(string service, RawLineClient client)
    {
        switch (service)
        {
            case "smtp":
                Assert.StartsWith("220 ", await client.ReadLineAsync(), StringComparison.Ordinal);
                break;
            case "pop3":
                Assert.StartsWith("+OK", await client.ReadLineAsync(), StringComparison.Ordinal);
                break;
            case "imap":
                Assert.StartsWith("* OK", await client.ReadLineAsync(), StringComparison.Ordinal);
                break;
            case "ftp":
                Assert.StartsWith("220", await client.ReadLineAsync(), StringComparison.Ordinal);
                break;
            case "nntp":
                Assert.StartsWith("20", await client.ReadLineAsync(), StringComparison.Ordinal);
                break;
            case "telnet":
                await client.ReadUntilAsync("netkit> ");
                break;
            case "echo" or "reverse":
                await client.SendAsync("hello\r\n");
                Assert.Equal(service == "echo" ? "hello" : "olleh", (await client.ReadLineAsync()).TrimEnd());
                break;
            case "gopher":
                break; // Gopher says nothing until it has a selector.
            default:
                throw new ArgumentException($"no greeting known for {service}", nameof(service));
        }
    }

    /// <summary>A whole normal session on <paramref name="service"/>; fails the test if anything is refused.</summary>
    public async Task NormalSessionAsync(string service)
    {
        if (service == "smtp")
        {
            await using var smtp = new SmtpClient(new SmtpClientOptions { AcceptAnyCertificate = true, CommandTimeout = TimeSpan.FromSeconds(30) });
            await smtp.ConnectAsync("127.0.0.1", Port("smtp"));
            await smtp.SendAsync(new SmtpEnvelope("load@example.org", "bob@localhost"), Encoding.ASCII.GetBytes("Subject: load\r\n\r\nStill serving.\r\n"));
            await smtp.QuitAsync();
            return;
        }

        using var client = await ConnectServedAsync(service);
        switch (service)
        {
            case "pop3":
                await ExchangeAsync(client, $"USER {User}", "+OK");
                await ExchangeAsync(client, $"PASS {Password}", "+OK");
                await ExchangeAsync(client, "STAT", "+OK");
                await ExchangeAsync(client, "QUIT", "+OK");
                break;
            case "imap":
                await TaggedAsync(client, "a", $"LOGIN {User} {Password}");
                await TaggedAsync(client, "b", "SELECT INBOX");
                await TaggedAsync(client, "c", "LOGOUT");
                break;
            case "ftp":
                await ExchangeAsync(client, $"USER {User}", "331");
                await ExchangeAsync(client, $"PASS {Password}", "230");
                await ExchangeAsync(client, "PWD", "257");
                await ExchangeAsync(client, "QUIT", "221");
                break;
            case "nntp":
                await ExchangeAsync(client, $"GROUP {Group}", "211");
                await ExchangeAsync(client, "QUIT", "205");
                break;
            case "telnet":
                await client.SendAsync("reverse hello\r\n");
                Assert.Contains("olleh", await client.ReadUntilAsync("netkit> "), StringComparison.Ordinal);
                break;
            case "gopher":
                await client.SendAsync("\r\n");
                Assert.EndsWith(".\r\n", await client.ReadToEndAsync(), StringComparison.Ordinal);
                break;
            case "echo" or "reverse":
                await GreetAsync(service, client); // A second line on the same connection.
                break;
            default:
                throw new ArgumentException($"no session known for {service}", nameof(service));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Serve.StopAsync();
        await Serve.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private static async Task ExchangeAsync(RawLineClient client, string command, string replyStart)
    {
        await client.SendAsync(command + "\r\n");
        var reply = await client.ReadLineAsync();
        Assert.True(reply.StartsWith(replyStart, StringComparison.Ordinal), $"{command}: {reply}");
    }

    private static async Task TaggedAsync(RawLineClient client, string tag, string command)
    {
        await client.SendAsync($"{tag} {command}\r\n");
        string line;
        do
        {
            line = await client.ReadLineAsync();
        }
        while (!line.StartsWith(tag + " ", StringComparison.Ordinal));
        Assert.True(line.StartsWith(tag + " OK", StringComparison.Ordinal), $"{command}: {line}");
    }
}
