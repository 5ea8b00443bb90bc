using System.Net;
using System.Text;

namespace NetKit.Tests.Web;

/// <summary>/api/news (threads by References), /api/files (listing, download, jail), /api/status and the OpenAPI document.</summary>
public sealed class ApiNewsFilesStatusTests
{
    [Fact]
    public async Task News_groupsAndArticlesThreadedByReferences()
    {
        await using var web = await ApiTestServer.StartAsync();
        await web.News.AddGroupAsync("local.test", "A test group");
        await PostAsync(web, "<root@x>", null, "Root topic");             // 1
        await PostAsync(web, "<other@x>", null, "Other topic");           // 2
        await PostAsync(web, "<reply@x>", "<root@x>", "Re: Root topic");  // 3
        await PostAsync(web, "<deep@x>", "<root@x> <reply@x>", "=?utf-8?B?0J7RgtCy0LXRgg==?="); // 4: "Ответ"
        await PostAsync(web, "<late@x>", "<root@x>", "Re: Root again");   // 5

        var groups = await web.GetJsonAsync("/api/news/groups");
        var group = Assert.Single(groups.GetProperty("items").EnumerateArray());
        Assert.Equal("local.test", group.GetProperty("name").GetString());
        Assert.Equal("A test group", group.GetProperty("description").GetString());
        Assert.Equal(5, group.GetProperty("count").GetInt64());
        Assert.Equal(1, group.GetProperty("low").GetInt64());
        Assert.Equal(5, group.GetProperty("high").GetInt64());

        var articles = (await web.GetJsonAsync("/api/news/groups/local.test/articles")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([(1L, 0), (3L, 1), (4L, 2), (5L, 1), (2L, 0)], articles.Select(a => (a.GetProperty("number").GetInt64(), a.GetProperty("depth").GetInt32())));
        Assert.Equal("Ответ", articles[2].GetProperty("subject").GetString());
        Assert.Equal(["<root@x>", "<reply@x>"], articles[2].GetProperty("references").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Poster <poster@example.org>", articles[0].GetProperty("from").GetString());
        Assert.Equal("<root@x>", articles[0].GetProperty("messageId").GetString());

        var page = await web.GetJsonAsync("/api/news/groups/local.test/articles?limit=2&offset=1");
        Assert.Equal(5, page.GetProperty("total").GetInt32());
        Assert.Equal([3L, 4L], page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("number").GetInt64()));

        var article = await web.GetJsonAsync("/api/news/groups/local.test/articles/3");
        Assert.Equal("Re: Root topic", article.GetProperty("subject").GetString());
        Assert.Equal("<reply@x>", article.GetProperty("messageId").GetString());
        Assert.Equal("Body of Re: Root topic", article.GetProperty("text").GetString()!.Trim());
        Assert.Contains(article.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "References");
        using (var raw = await web.Http.GetAsync("/api/news/groups/local.test/articles/3/raw"))
        {
            Assert.Contains("Message-ID: <reply@x>", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var noGroup = await web.Http.GetAsync("/api/news/groups/no.such/articles");
        await ApiTestServer.ProblemAsync(noGroup, HttpStatusCode.NotFound);
        using var noArticle = await web.Http.GetAsync("/api/news/groups/local.test/articles/99");
        await ApiTestServer.ProblemAsync(noArticle, HttpStatusCode.NotFound);
    }

    private static async Task PostAsync(ApiTestServer web, string id, string? references, string subject)
    {
        var text = $"From: Poster <poster@example.org>\r\nNewsgroups: local.test\r\nSubject: {subject}\r\nMessage-ID: {id}\r\nDate: Thu, 26 Nov 2026 14:00:00 +0000\r\n"
            + (references is null ? "" : $"References: {references}\r\n") + $"\r\nBody of {subject}\r\n";
        var result = await web.News.StoreAsync(Encoding.UTF8.GetBytes(text), ["local.test"]);
        Assert.Equal(NetKit.Nntp.NewsPostOutcome.Stored, result.Outcome);
    }

    [Fact]
    public async Task Files_listAndDownload_andNothingLeavesTheRoot()
    {
        await using var web = await ApiTestServer.StartAsync();
        Directory.CreateDirectory(Path.Combine(web.FtpRoot, "pub"));
        await File.WriteAllTextAsync(Path.Combine(web.FtpRoot, "pub", "readme.txt"), "read me");
        await File.WriteAllTextAsync(Path.Combine(web.GopherRoot, "hello.txt"), "gopher hello");
        var secret = Path.Combine(web.Data, "secret.txt");
        await File.WriteAllTextAsync(secret, "do not serve");
        File.CreateSymbolicLink(Path.Combine(web.FtpRoot, "pub", "escape.txt"), secret);
        Directory.CreateSymbolicLink(Path.Combine(web.FtpRoot, "up"), web.Data);
        File.CreateSymbolicLink(Path.Combine(web.FtpRoot, "inside.txt"), Path.Combine(web.FtpRoot, "pub", "readme.txt"));
        File.CreateSymbolicLink(Path.Combine(web.FtpRoot, "loop"), Path.Combine(web.FtpRoot, "loop"));

        var root = await web.GetJsonAsync("/api/files/ftp");
        Assert.Equal("/", root.GetProperty("path").GetString());
        var names = root.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("name").GetString(), i.GetProperty("type").GetString())).ToList();
        Assert.Contains(("pub", "dir"), names);
        Assert.Contains(("inside.txt", "file"), names);
        Assert.DoesNotContain(names, n => n.Item1 == "loop"); // A link that leads nowhere is not listed.

        var pub = await web.GetJsonAsync("/api/files/ftp/pub");
        Assert.Equal("/pub", pub.GetProperty("path").GetString());
        var readme = pub.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "readme.txt");
        Assert.Equal(7, readme.GetProperty("size").GetInt64());
        Assert.True(readme.GetProperty("modified").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));

        using (var file = await web.Http.GetAsync("/api/files/ftp/pub/readme.txt"))
        {
            Assert.Equal("read me", await file.Content.ReadAsStringAsync());
            Assert.Equal("text/plain", file.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", file.Content.Headers.ContentDisposition?.DispositionType);
        }

        using (var linked = await web.Http.GetAsync("/api/files/ftp/inside.txt"))
        {
            Assert.Equal("read me", await linked.Content.ReadAsStringAsync());
        }

        using (var gopher = await web.Http.GetAsync("/api/files/gopher/hello.txt"))
        {
            Assert.Equal("gopher hello", await gopher.Content.ReadAsStringAsync());
        }

        foreach (var escape in new[] { "/api/files/ftp/pub/escape.txt", "/api/files/ftp/up/secret.txt", "/api/files/ftp/up", "/api/files/ftp/pub/%2E%2E/%2E%2E/secret.txt", "/api/files/ftp/..%2Fsecret.txt", "/api/files/ftp/missing", "/api/files/ftp/loop", "/api/files/ftp/loop/x", "/api/files/etc/passwd" })
        {
            using var refused = await web.Http.GetAsync(escape);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{escape}: {(int)refused.StatusCode} {body}");
            Assert.DoesNotContain("do not serve", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Status_listsTheServicesWithTheirCounts()
    {
        await using var web = await ApiTestServer.StartAsync();
        var status = await web.GetJsonAsync("/api/status");
        Assert.False(string.IsNullOrEmpty(status.GetProperty("version").GetString()));
        Assert.True(status.GetProperty("startedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        var service = Assert.Single(status.GetProperty("services").EnumerateArray());
        Assert.Equal("web", service.GetProperty("service").GetString());
        Assert.True(service.GetProperty("activeConnections").GetInt32() >= 1);
        Assert.True(service.GetProperty("totalConnections").GetInt64() >= 1);
    }

    [Fact]
    public async Task OpenApi_documentParsesAndListsThePaths()
    {
        await using var web = await ApiTestServer.StartAsync();
        var document = await web.GetJsonAsync("/openapi/v1.json");
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[]
        {
            "/api/status", "/api/mailboxes", "/api/messages", "/api/messages/{id}", "/api/messages/{id}/raw", "/api/messages/{id}/html",
            "/api/messages/{id}/parts/{index}", "/api/messages/wait", "/api/events", "/api/news/groups", "/api/news/groups/{name}/articles",
            "/api/news/groups/{name}/articles/{number}", "/api/news/groups/{name}/articles/{number}/raw", "/api/files/{root}/{path}",
        })
        {
            Assert.True(paths.Contains(path), $"{path} is not in the OpenAPI paths: {string.Join(", ", paths)}");
        }

        Assert.True(document.GetProperty("paths").GetProperty("/api/messages").TryGetProperty("delete", out _));
        Assert.DoesNotContain(paths, p => !p.StartsWith("/api/", StringComparison.Ordinal)); // The UI's catch-all is not API.
    }

    [Fact]
    public async Task Pages_indexAtRoot_withTheStrictPolicy()
    {
        await using var web = await ApiTestServer.StartAsync();
        using var page = await web.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("default-src 'self'; frame-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(";", page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        using var missing = await web.Http.GetAsync("/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var apiMissing = await web.Http.GetAsync("/api/nothing");
        Assert.Equal(HttpStatusCode.NotFound, apiMissing.StatusCode);
    }
}
