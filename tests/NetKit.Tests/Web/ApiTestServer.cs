using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Ftp.Server;
using NetKit.Gopher.Server;
using NetKit.Mail;
using NetKit.Nntp;
using NetKit.Nntp.Server;
using NetKit.Services;
using NetKit.Smtp.Server;
using NetKit.Web;

namespace NetKit.Tests.Web;

/// <summary>
/// The web service in this process on a free loopback port, over a temp data directory with a
/// mail store, a news store and FTP and Gopher roots; an HttpClient pointed at it.
/// </summary>
internal sealed class ApiTestServer : IAsyncDisposable
{
    private readonly WebServer _server;

    private ApiTestServer(string data, MailStore mail, NewsStore news, WebServer server, Uri address)
    {
        Data = data;
        Mail = mail;
        News = news;
        _server = server;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Data { get; }

    public MailStore Mail { get; }

    public NewsStore News { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public string FtpRoot => Path.Combine(Data, "ftp");

    public string GopherRoot => Path.Combine(Data, "gopher");

    public static async Task<ApiTestServer> StartAsync(WebServerOptions? options = null)
    {
        var data = Directory.CreateTempSubdirectory("netkit-web-api-").FullName;
        var mail = MailStore.Open(data);
        var news = NewsStore.Open(data);
        Directory.CreateDirectory(Path.Combine(data, "ftp"));
        Directory.CreateDirectory(Path.Combine(data, "gopher"));
        WebServer? server = null;
        var context = new ServeContext(NullLoggerFactory.Instance, new SmtpServerOptions(), new MailStoreMessageStore(mail))
        {
            Store = mail,
            News = (new NntpServerOptions(), news),
            Ftp = new FtpServerOptions { Root = Path.Combine(data, "ftp") },
            Gopher = new GopherServerOptions { Root = Path.Combine(data, "gopher") },
            Listeners = () => [new ListenerStatus("web", "http://test", server!.ActiveConnections, server.TotalConnections)],
        };
        server = new WebServer(context, options ?? new WebServerOptions());
        var bound = await server.StartAsync([new IPEndPoint(IPAddress.Loopback, 0)], CancellationToken.None);
        return new ApiTestServer(data, mail, news, server, new Uri($"http://127.0.0.1:{Assert.Single(bound).Port}/"));
    }

    /// <summary>Stores a message as SMTP would (to bob@localhost unless told), returns its id.</summary>
    public async Task<long> DeliverAsync(string message, string to = "bob@localhost", Encoding? encoding = null)
    {
        var bytes = (encoding ?? Encoding.UTF8).GetBytes(message.ReplaceLineEndings("\r\n"));
        var stored = await Mail.DeliverAsync(new MailDelivery(bytes, "sender@example.org", [new MailRecipient(to, to.Split('@')[0])], "127.0.0.1", "test"));
        return stored[0].Id;
    }

    public static string Message(string subject, string body = "Hello.", string from = "Alice <alice@example.org>", string to = "bob@localhost") =>
        $"From: {from}\nTo: {to}\nSubject: {subject}\nDate: Thu, 26 Nov 2026 14:00:00 +0300\nMessage-ID: <{Guid.NewGuid():N}@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n";

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A problem+json answer's status, checked against the HTTP status.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync();
        await News.DisposeAsync();
        await Mail.DisposeAsync();
        Directory.Delete(Data, recursive: true);
    }
}
