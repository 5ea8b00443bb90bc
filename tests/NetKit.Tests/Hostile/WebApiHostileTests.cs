using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetKit.Tests.Web;
using NetKit.Web;

namespace NetKit.Tests.Hostile;

/// <summary>
/// The web API in this process over a temp data directory holding one kept message, an FTP root
/// with a secret beside it and symlinks out, a news group with one article, and a message whose subject carries HTML and control characters.
/// </summary>
public sealed class WebApiHostileServer : IAsyncLifetime
{
    private const string KeptMessage = "From: Alice <alice@example.org>\r\nTo: bob@localhost\r\nSubject: kept\r\nDate: Thu, 26 Nov 2026 14:00:00 +0300\r\nMessage-ID: <kept@example.org>\r\n\r\nNothing may happen to me.\r\n";

    internal ApiTestServer Web { get; private set; } = null!;

    public long KeptId { get; private set; }

    public long HostileId { get; private set; }

    public const string HostileSubject = "<script>alert(1)</script>\u0007\u001b[2J</textarea>\"'&";

    public int Port => Web.Address.Port;

    public HttpClient Http => Web.Http;

    public async Task InitializeAsync()
    {
        Web = await ApiTestServer.StartAsync();
        KeptId = await Web.DeliverAsync(KeptMessage);
        HostileId = await Web.DeliverAsync(ApiTestServer.Message(HostileSubject, "<b>bold</b>\u0000\u0001 body"));
        await File.WriteAllTextAsync(Path.Combine(Web.Data, "secret.txt"), "never served\n");
        await Web.News.AddGroupAsync("local.test", "A test group");
        var article = "From: Poster <poster@example.org>\r\nNewsgroups: local.test\r\nSubject: kept article\r\nMessage-ID: <article@example.org>\r\nDate: Thu, 26 Nov 2026 14:00:00 +0000\r\n\r\nBody\r\n";
        Assert.Equal(NetKit.Nntp.NewsPostOutcome.Stored, (await Web.News.StoreAsync(Encoding.UTF8.GetBytes(article), ["local.test"])).Outcome);
        Directory.CreateDirectory(Path.Combine(Web.FtpRoot, "pub"));
        await File.WriteAllTextAsync(Path.Combine(Web.FtpRoot, "pub", "readme.txt"), "public\n");
        File.CreateSymbolicLink(Path.Combine(Web.FtpRoot, "secret-link.txt"), Path.Combine(Web.Data, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(Web.FtpRoot, "escape"), Web.Data);
    }

    /// <summary>A normal client still gets the list with the kept message, its raw bytes unchanged, and the kept article.</summary>
    public async Task NormalClientAsync()
    {
        var list = await Web.GetJsonAsync("/api/messages?limit=1000");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetInt64() == KeptId);
        using var raw = await Http.GetAsync($"/api/messages/{KeptId}/raw");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(KeptMessage), await raw.Content.ReadAsByteArrayAsync());
        var articles = await Web.GetJsonAsync("/api/news/groups/local.test/articles");
        Assert.Equal("kept article", Assert.Single(articles.GetProperty("items").EnumerateArray()).GetProperty("subject").GetString());
    }

    /// <summary>Sends bytes no HttpClient would send and returns everything the server answered before it closed.</summary>
    public async Task<string> RawAsync(string latin1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), timeout.Token);
        var bytes = Encoding.Latin1.GetBytes(latin1);
        try
        {
            await socket.SendAsync(bytes, timeout.Token);
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read all of a huge request; its answer is still there to read.
        }

        var answer = new MemoryStream();
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (SocketException) when (answer.Length > 0)
        {
            // A reset after the answer: Kestrel closes on a request it will not read to the end.
        }

        return Encoding.Latin1.GetString(answer.ToArray());
    }

    /// <summary>The status codes of every response in a raw answer, in order.</summary>
    public static int[] Statuses(string answer) =>
        [.. Regex.Matches(answer, @"(?:^|\n)HTTP/1\.[01] (\d{3}) ").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    public string Get(string target, string extra = "") => $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\n{extra}Connection: close\r\n\r\n";

    public async Task DisposeAsync() => await Web.DisposeAsync();
}

public sealed class WebApiHostileTests(WebApiHostileServer server)
    : HostileTests<WebApiHostileTests, Func<WebApiHostileServer, Task>>, IHostileCases<Func<WebApiHostileServer, Task>>, IClassFixture<WebApiHostileServer>
{
    public static IReadOnlyDictionary<string, Func<WebApiHostileServer, Task>> Cases { get; } = new Dictionary<string, Func<WebApiHostileServer, Task>>(StringComparer.Ordinal)
    {
        // Raw HTTP: what HttpClient refuses to send.
        ["malformed request line"] = s => RawStatus(s, "GARBAGE\r\n\r\n", 400),
        ["request line without a version"] = s => RawStatus(s, "GET /api/status\r\nHost: 127.0.0.1\r\n\r\n", 400),
        ["unknown HTTP version"] = s => RawStatus(s, "GET /api/status HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
        ["HTTP/1.1 without Host"] = s => RawStatus(s, "GET /api/status HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
        ["two Host headers"] = s => RawStatus(s, $"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 400),
        ["overlong URL"] = s => RawStatus(s, s.Get("/api/messages?q=" + new string('a', 20000)), 414),
        ["overlong header"] = s => RawStatus(s, s.Get("/api/status", "X-Big: " + new string('b', 40000) + "\r\n"), 431),
        ["a thousand headers"] = s => RawStatus(s, s.Get("/api/status", Hostile.Repeat(1000, "X-A: b\r\n")), 431),
        ["NUL in a header value"] = s => RawStatus(s, s.Get("/api/status", "X-Nul: a\0b\r\n"), 400),
        ["NUL in the path"] = s => RawStatus(s, s.Get("/api/files/ftp/pub\0/readme.txt"), 400),
        ["bare LF line endings (RFC 9112 lets a server accept them)"] = s => RawStatus(s, $"GET /api/status HTTP/1.1\nHost: 127.0.0.1:{s.Port}\nConnection: close\n\n", 200),
        ["invalid UTF-8 in the path"] = s => RawStatus(s, s.Get("/api/files/ftp/\u00ff\u00fe"), 400),
        ["percent-encoded invalid UTF-8 in the path"] = s => RawStatus(s, s.Get("/api/files/ftp/%ff%fe"), 404),
        ["absurd Content-Length"] = s => RawStatus(s, $"DELETE /api/messages/{s.KeptId} HTTP/1.1\r\nHost: 127.0.0.1:{s.Port}\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
        ["negative Content-Length"] = s => RawStatus(s, $"DELETE /api/messages/{s.KeptId} HTTP/1.1\r\nHost: 127.0.0.1:{s.Port}\r\nContent-Length: -5\r\n\r\n", 400),
        ["Content-Length and Transfer-Encoding both: the smuggled request is not answered"] = async s =>
        {
            // RFC 9112 6.1: the chunked framing wins, and the server must close after answering, so the
            // request hidden behind the empty chunk (inside the Content-Length) is never run.
            var smuggled = $"DELETE /api/messages/{s.KeptId} HTTP/1.1\r\nHost: 127.0.0.1:{s.Port}\r\n\r\n";
            var answer = await s.RawAsync($"POST /api/status HTTP/1.1\r\nHost: 127.0.0.1:{s.Port}\r\nContent-Length: {5 + smuggled.Length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}");
            Assert.Equal([405], WebApiHostileServer.Statuses(answer));
        },
        ["unknown Transfer-Encoding"] = s => RawStatus(s, $"POST /api/status HTTP/1.1\r\nHost: 127.0.0.1:{s.Port}\r\nTransfer-Encoding: gzip, chunked, identity\r\nConnection: close\r\n\r\n", 400),
        ["literal dot-dot out of the files root"] = s => RawStatus(s, s.Get("/api/files/ftp/../../secret.txt"), 404),
        ["pipelined flood of 200 requests"] = async s =>
        {
            var answer = await s.RawAsync(Hostile.Repeat(199, $"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:{s.Port}\r\n\r\n") + s.Get("/api/status"));
            Assert.Equal(Enumerable.Repeat(200, 200), WebApiHostileServer.Statuses(answer));
        },

        // HttpClient: well-formed requests the API must refuse.
        ["encoded dot-dot out of the files root"] = s => Status(s, "/api/files/ftp/%2e%2e/%2e%2e/secret.txt", HttpStatusCode.NotFound),
        ["encoded slashes out of the files root"] = s => Status(s, "/api/files/ftp/..%2f..%2fsecret.txt", HttpStatusCode.NotFound, "Not Found"),
        ["backslash dot-dot out of the files root"] = s => Status(s, "/api/files/ftp/..%5c..%5csecret.txt", HttpStatusCode.NotFound, "Not Found"),
        ["a symlinked file out of the files root"] = s => Status(s, "/api/files/ftp/secret-link.txt", HttpStatusCode.NotFound, "Not Found"),
        ["a symlinked directory out of the files root"] = s => Status(s, "/api/files/ftp/escape/secret.txt", HttpStatusCode.NotFound, "Not Found"),
        ["an unknown files root"] = s => Status(s, "/api/files/etc/passwd", HttpStatusCode.NotFound, "Not Found"),
        ["a message id that is not a number"] = s => Status(s, "/api/messages/abc", HttpStatusCode.NotFound, "Not Found"),
        ["a negative message id"] = s => Status(s, "/api/messages/-1", HttpStatusCode.NotFound, "Not Found"),
        ["a message id past 64 bits"] = s => Status(s, "/api/messages/99999999999999999999999", HttpStatusCode.NotFound, "Not Found"),
        ["a part index past the parts"] = s => Status(s, $"/api/messages/{s.KeptId}/parts/99999", HttpStatusCode.NotFound, "Not Found"),
        ["an article number past 64 bits"] = s => Status(s, "/api/news/groups/local.test/articles/99999999999999999999999", HttpStatusCode.NotFound, "Not Found"),
        ["a news group name as a path"] = s => Status(s, "/api/news/groups/..%2f..%2fetc/articles", HttpStatusCode.NotFound, "Not Found"),
        ["NUL in a news group name (Kestrel refuses an encoded NUL)"] = s => Status(s, "/api/news/groups/local%00test/articles", HttpStatusCode.BadRequest),
        ["an overlong news group name"] = s => Status(s, "/api/news/groups/" + new string('g', 4000) + "/articles/1", HttpStatusCode.NotFound),
        ["a negative article number"] = s => Status(s, "/api/news/groups/local.test/articles/-1/raw", HttpStatusCode.NotFound, "Not Found"),
        ["a huge article limit"] = s => Status(s, "/api/news/groups/local.test/articles?limit=2147483647", HttpStatusCode.BadRequest, "Bad Request"),
        ["a negative part index"] = s => Status(s, $"/api/messages/{s.KeptId}/parts/-1", HttpStatusCode.NotFound, "Not Found"),
        ["HTML of a message without HTML"] = s => Status(s, $"/api/messages/{s.KeptId}/html", HttpStatusCode.NotFound, "Not Found"),
        ["a download flag that is not a number"] = s => Status(s, $"/api/messages/{s.KeptId}/raw?download=yes", HttpStatusCode.BadRequest),
        ["NUL and dot-dot in the account filter"] = async s =>
        {
            foreach (var filter in new[] { "account=%00", "account=..%2f..%2fetc", "account=bob&mailbox=%00", "account=bob&mailbox=..%2f..%2fINBOX" })
            {
                var list = await s.Web.GetJsonAsync("/api/messages?" + filter);
                Assert.Equal(0, list.GetProperty("total").GetInt32());
            }
        },
        ["a filtered DELETE of an account that cannot exist deletes nothing"] = async s =>
        {
            using var response = await s.Http.DeleteAsync("/api/messages?account=..%2fbob&mailbox=%00");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt32());
        },
        ["a Range past the end of a file"] = async s =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/files/ftp/pub/readme.txt");
            request.Headers.Range = new RangeHeaderValue(999_999_999, null);
            using var response = await s.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        },
        ["wait for a since in the far future"] = s => Status(s, "/api/messages/wait?since=9999-12-31T23:59:59Z&timeout=0", HttpStatusCode.RequestTimeout, "Request Timeout"),
        ["an unknown API route"] = s => Status(s, "/api/nothing/here", HttpStatusCode.NotFound, "Not Found"),
        ["a huge limit"] = s => Status(s, "/api/messages?limit=2147483647", HttpStatusCode.BadRequest, "Bad Request"),
        ["a limit past 32 bits"] = s => Status(s, "/api/messages?limit=99999999999999999999", HttpStatusCode.BadRequest),
        ["a negative offset"] = s => Status(s, "/api/messages?offset=-1", HttpStatusCode.BadRequest, "Bad Request"),
        ["a huge offset lists nothing"] = async s =>
        {
            var list = await s.Web.GetJsonAsync("/api/messages?offset=2147483647");
            Assert.Empty(list.GetProperty("items").EnumerateArray());
        },
        ["wait with a negative timeout"] = s => Status(s, "/api/messages/wait?subject=x&timeout=-1", HttpStatusCode.BadRequest, "Bad Request"),
        ["wait with a timeout over the maximum"] = s => Status(s, "/api/messages/wait?subject=x&timeout=301", HttpStatusCode.BadRequest, "Bad Request"),
        ["wait with a timeout of NaN"] = s => Status(s, "/api/messages/wait?subject=x&timeout=NaN", HttpStatusCode.BadRequest, "Bad Request"),
        ["wait with a timeout of 1e308"] = s => Status(s, "/api/messages/wait?subject=x&timeout=1e308", HttpStatusCode.BadRequest, "Bad Request"),
        ["wait with a since that is not a date"] = s => Status(s, "/api/messages/wait?subject=x&since=yesterday", HttpStatusCode.BadRequest),
        ["wait that times out"] = s => Status(s, "/api/messages/wait?subject=no-such-subject&timeout=0", HttpStatusCode.RequestTimeout, "Request Timeout"),
        ["PUT on a message"] = s => Send(s, HttpMethod.Put, $"/api/messages/{s.KeptId}", HttpStatusCode.MethodNotAllowed),
        ["POST on the status"] = s => Send(s, HttpMethod.Post, "/api/status", HttpStatusCode.MethodNotAllowed),
        ["a CORS preflight gets no CORS headers"] = async s =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, $"/api/messages/{s.KeptId}");
            request.Headers.Add("Origin", "http://evil.example");
            request.Headers.Add("Access-Control-Request-Method", "DELETE");
            using var response = await s.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        },
        ["DELETE from a foreign origin"] = async s =>
        {
            foreach (var path in new[] { $"/api/messages/{s.KeptId}", "/api/messages" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, path);
                request.Headers.Add("Origin", "http://evil.example");
                using var response = await s.Http.SendAsync(request);
                await Problem(response, HttpStatusCode.Forbidden, "Forbidden");
                Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
            }
        },
        ["DELETE from a look-alike origin"] = async s =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{s.KeptId}");
            request.Headers.Add("Origin", $"http://127.0.0.1:{s.Port}.evil.example");
            using var response = await s.Http.SendAsync(request);
            await Problem(response, HttpStatusCode.Forbidden, "Forbidden");
        },
        ["a DNS-rebinding Host header"] = async s =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/messages");
            request.Headers.Host = $"evil.example:{s.Port}";
            using var response = await s.Http.SendAsync(request);
            await Problem(response, HttpStatusCode.Forbidden, "Forbidden");
        },
        ["a loopback-looking Host name"] = async s =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/messages");
            request.Headers.Host = $"127.0.0.1.evil.example:{s.Port}";
            using var response = await s.Http.SendAsync(request);
            await Problem(response, HttpStatusCode.Forbidden, "Forbidden");
        },
        ["50 event streams opened and dropped"] = async s =>
        {
            var streams = new List<(HttpResponseMessage Response, Stream Body)>();
            for (var i = 0; i < 50; i++)
            {
                var response = await s.Http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
                streams.Add((response, await response.Content.ReadAsStreamAsync()));
            }

            foreach (var (response, body) in streams)
            {
                await body.DisposeAsync();
                response.Dispose();
            }
        },
        ["HTML and control characters in a subject are served as JSON"] = async s =>
        {
            using var response = await s.Http.GetAsync($"/api/messages/{s.HostileId}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.DoesNotContain("\u0007", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
            Assert.Equal(WebApiHostileServer.HostileSubject, JsonDocument.Parse(text).RootElement.GetProperty("subject").GetString());
        },
        ["basic auth guessing"] = async s =>
        {
            await using var web = await ApiTestServer.StartAsync(new WebServerOptions { User = "admin", Password = "right pw" });
            foreach (var guess in new[] { "admin", "password", "", "right", "right pw ", "RIGHT PW", "\0", new string('x', 10000) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
                request.Headers.Authorization = ApiTestServer.Basic("admin", guess);
                using var response = await web.Http.SendAsync(request);
                await Problem(response, HttpStatusCode.Unauthorized, "Unauthorized");
                Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
            }

            using var garbage = new HttpRequestMessage(HttpMethod.Get, "/api/status");
            garbage.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not base64!!!");
            using (var refused = await web.Http.SendAsync(garbage))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using var right = new HttpRequestMessage(HttpMethod.Get, "/api/status");
            right.Headers.Authorization = ApiTestServer.Basic("admin", "right pw");
            using var ok = await web.Http.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        },
    };

    protected override async Task RunAsync(Func<WebApiHostileServer, Task> hostile)
    {
        await hostile(server);
        await server.NormalClientAsync();
    }

    private static async Task RawStatus(WebApiHostileServer s, string request, int expected)
    {
        var answer = await s.RawAsync(request);
        var statuses = WebApiHostileServer.Statuses(answer);
        Assert.True(statuses.Length > 0 && statuses[0] == expected, $"expected {expected}, got: {answer[..Math.Min(answer.Length, 300)]}");
    }

    private static async Task Status(WebApiHostileServer s, string path, HttpStatusCode expected, string? title = null)
    {
        using var response = await s.Http.GetAsync(path);
        if (title is null)
        {
            Assert.Equal(expected, response.StatusCode);
        }
        else
        {
            await Problem(response, expected, title);
        }
    }

    private static async Task Send(WebApiHostileServer s, HttpMethod method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await s.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task Problem(HttpResponseMessage response, HttpStatusCode expected, string title)
    {
        var problem = await ApiTestServer.ProblemAsync(response, expected);
        Assert.Equal(title, problem.GetProperty("title").GetString());
    }
}
