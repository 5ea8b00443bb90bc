using System.IO.Compression;
using System.Text.Json;
using NetKit.Tests.Support;

namespace NetKit.Tests.Http;

/// <summary>`netkit http` requests, headers, bodies, redirects and encodings, against Python's http.server and Kestrel.</summary>
public sealed class HttpCliRequestTests
{
    private static async Task<JsonElement> EchoAsync(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        return await Task.FromResult(document.RootElement.Clone());
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Get_withHeaders_sendsThemAndPrintsRawJsonInAPipe(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var result = await NetkitCli.RunAsync("http", "get", $"{server.BaseUrl}/echo?x=1", "-H", "X-Test: one two", "-H", "Accept: application/json");
        var echo = await EchoAsync(result);
        Assert.Equal("GET", echo.GetProperty("method").GetString());
        Assert.Equal("/echo?x=1", echo.GetProperty("path").GetString());
        Assert.Equal("one two", echo.GetProperty("headers").GetProperty("x-test").GetString());
        Assert.Equal("application/json", echo.GetProperty("headers").GetProperty("accept").GetString());
        // In a pipe the body is the server's bytes, not re-indented.
        Assert.DoesNotContain("\n  ", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Methods_withBodies_arriveAsSent(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var url = $"{server.BaseUrl}/echo";
        var file = Path.Combine(server.Root, "upload.txt");
        await File.WriteAllTextAsync(file, "from a file");

        var post = await EchoAsync(await NetkitCli.RunAsync("http", "post", url, "--data", "plain text"));
        Assert.Equal("POST", post.GetProperty("method").GetString());
        Assert.Equal("plain text", post.GetProperty("body").GetString());

        var put = await EchoAsync(await NetkitCli.RunAsync("http", "put", url, "--data", "@" + file, "-H", "Content-Type: text/x-note"));
        Assert.Equal("PUT", put.GetProperty("method").GetString());
        Assert.Equal("from a file", put.GetProperty("body").GetString());
        Assert.Equal("text/x-note", put.GetProperty("headers").GetProperty("content-type").GetString());

        var patch = await EchoAsync(await NetkitCli.RunAsync(["http", "patch", url, "--data", "-"], stdin: "from stdin"));
        Assert.Equal("PATCH", patch.GetProperty("method").GetString());
        Assert.Equal("from stdin", patch.GetProperty("body").GetString());

        var delete = await EchoAsync(await NetkitCli.RunAsync("http", "delete", url));
        Assert.Equal("DELETE", delete.GetProperty("method").GetString());

        // A body without a method is a POST.
        var form = await EchoAsync(await NetkitCli.RunAsync("http", url, "--form", "name=a b", "--form", "x=1&2"));
        Assert.Equal("POST", form.GetProperty("method").GetString());
        Assert.Equal("name=a+b&x=1%262", form.GetProperty("body").GetString());
        Assert.StartsWith("application/x-www-form-urlencoded", form.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);

        var json = await EchoAsync(await NetkitCli.RunAsync("http", "post", url, "--json", "name=ann", "--json", "age:=7", "--json", "tags:=[\"a\"]"));
        using var sent = JsonDocument.Parse(json.GetProperty("body").GetString()!);
        Assert.Equal("ann", sent.RootElement.GetProperty("name").GetString());
        Assert.Equal(7, sent.RootElement.GetProperty("age").GetInt32());
        Assert.Equal("a", sent.RootElement.GetProperty("tags")[0].GetString());
        Assert.StartsWith("application/json", json.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);

        var raw = await EchoAsync(await NetkitCli.RunAsync("http", "put", url, "--json", "{\"raw\": [1, 2]}"));
        Assert.Equal("{\"raw\": [1, 2]}", raw.GetProperty("body").GetString());
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Head_printsStatusAndHeadersOnly(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var result = await NetkitCli.RunAsync("http", "head", $"{server.BaseUrl}/blob/12345");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("HTTP/1.1 200 OK", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 12345", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Auth_basicAndBearer_sentAndRedactedInTrace(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var basic = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/echo", "--user", "ann:s3cr:et", "--trace", "-i");
        var echo = JsonDocument.Parse(basic.Stdout[basic.Stdout.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        Assert.Equal("Basic " + Convert.ToBase64String("ann:s3cr:et"u8), echo.GetProperty("headers").GetProperty("authorization").GetString());
        Assert.Contains("C: GET /echo HTTP/1.1", basic.Stderr, StringComparison.Ordinal);
        Assert.Contains("C: Authorization: Basic ********", basic.Stderr, StringComparison.Ordinal);
        Assert.Contains("S: HTTP/1.1 200 OK", basic.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String("ann:s3cr:et"u8), basic.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", basic.Stdout, StringComparison.Ordinal);

        var bearer = await EchoAsync(await NetkitCli.RunAsync("http", $"{server.BaseUrl}/echo", "--bearer", "tok123"));
        Assert.Equal("Bearer tok123", bearer.GetProperty("headers").GetProperty("authorization").GetString());
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Redirects_followedUpToTheLimit(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var followed = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/redirect/3");
        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Equal("arrived", followed.Stdout);

        var tooMany = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/redirect/3", "--max-redirects", "2");
        Assert.True(tooMany.ExitCode == 8, tooMany.ToString());
        Assert.Equal("netkit: too many redirects: still 302 after 2 (--max-redirects)", Assert.Single(tooMany.StderrLines));

        var notFollowed = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/redirect/3", "--max-redirects", "0", "-i");
        Assert.True(notFollowed.ExitCode == 0, notFollowed.ToString());
        Assert.StartsWith("HTTP/1.1 302", notFollowed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Location: /redirect/2", notFollowed.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Status_4xxAnd5xx_distinctExitCodesAndOneLine(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var notFound = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/status/404");
        Assert.True(notFound.ExitCode == 5, notFound.ToString());
        Assert.Equal("status 404", notFound.Stdout);
        Assert.StartsWith("netkit: 404 ", Assert.Single(notFound.StderrLines), StringComparison.Ordinal);

        var broken = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/status/503");
        Assert.True(broken.ExitCode == 6, broken.ToString());
        Assert.StartsWith("netkit: 503 ", Assert.Single(broken.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Chunked_bodyArrivesWhole(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var result = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/chunked", "-i");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Transfer-Encoding: chunked", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\nalpha\nbeta\ngamma\n", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Gzip_decodedOnTheWayIn(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var result = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/gzip", "--trace");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Concat(Enumerable.Repeat("squeezed by gzip\n", 100)), result.Stdout);
        Assert.Contains("S: Content-Encoding: ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpTestServers.Kinds), MemberType = typeof(HttpTestServers))]
    public async Task Brotli_decodedOnTheWayIn(string kind)
    {
        await using var server = await HttpTestServers.StartAsync(kind);
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i} squeezed by brotli\n"));
        await using (var file = File.Create(Path.Combine(server.Root, "text.br")))
        await using (var brotli = new BrotliStream(file, CompressionLevel.Optimal))
        {
            await brotli.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
        }

        var result = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/file/text.br", "--trace");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("S: Content-Encoding: br", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(text, result.Stdout);
    }

    [Fact]
    public async Task Kestrel_compressesWithBrotliWhenAsked_andWeDecode()
    {
        await using var server = await KestrelHttpServer.StartAsync();
        var result = await NetkitCli.RunAsync("http", $"{server.BaseUrl}/gzip", "--trace");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("S: Content-Encoding: br", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Concat(Enumerable.Repeat("squeezed by gzip\n", 100)), result.Stdout);
    }

    [Fact]
    public async Task Http2_cleartextPriorKnowledge_and_overTlsByAlpn()
    {
        await using var server = await KestrelHttpServer.StartAsync();
        var h2c = await NetkitCli.RunAsync("http", $"{server.H2cBaseUrl}/echo", "--http2");
        Assert.Equal("HTTP/2", (await EchoAsync(h2c)).GetProperty("protocol").GetString());

        var alpn = await NetkitCli.RunAsync("http", $"{server.TlsBaseUrl}/echo", "-k", "--trace");
        Assert.Equal("HTTP/2", (await EchoAsync(alpn)).GetProperty("protocol").GetString());
        Assert.Contains("S: HTTP/2 200", alpn.Stderr, StringComparison.Ordinal);

        var http11 = await NetkitCli.RunAsync("http", $"{server.TlsBaseUrl}/echo", "-k", "--http1.1");
        Assert.Equal("HTTP/1.1", (await EchoAsync(http11)).GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Proxy_requestGoesToTheProxyInAbsoluteForm()
    {
        // http.server as the proxy: it is asked for the absolute URL, which only a proxy is.
        await using var proxy = await PythonHttpServer.StartAsync();
        var result = await NetkitCli.RunAsync("http", "get", "http://origin.invalid:8080/echo?q=1", "--proxy", proxy.BaseUrl);
        var echo = await EchoAsync(result);
        Assert.Equal("http://origin.invalid:8080/echo?q=1", echo.GetProperty("path").GetString());
        Assert.Equal("origin.invalid:8080", echo.GetProperty("headers").GetProperty("host").GetString());
    }

    [Fact]
    public async Task Proxy_notHttp_usageExit2()
    {
        var result = await NetkitCli.RunAsync("http", "get", "http://127.0.0.1:1/", "--proxy", "socks5://127.0.0.1:1080");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("netkit: unsupported URL scheme \"socks5\"", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
