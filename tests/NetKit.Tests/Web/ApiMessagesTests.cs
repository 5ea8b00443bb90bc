using System.Net;
using System.Text;
using NetKit.Mail;

namespace NetKit.Tests.Web;

/// <summary>/api/mailboxes and /api/messages over real HTTP: list, search, read, raw, HTML, parts, delete.</summary>
public sealed class ApiMessagesTests
{
    private const string Rich = """
        From: Carol <carol@example.org>
        To: bob@localhost, Dave <dave@localhost>
        Cc: erin@localhost
        Subject: Report attached
        Date: Thu, 26 Nov 2026 14:05:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: multipart/alternative; boundary="inner"

        --inner
        Content-Type: text/plain; charset=utf-8

        The plain text.
        --inner
        Content-Type: text/html; charset=utf-8

        <html><body><p>Hi <b>Bob</b></p><script>alert(1)</script><img src="http://remote.example/x.png"></body></html>
        --inner--
        --outer
        Content-Type: application/octet-stream; name="report.bin"
        Content-Disposition: attachment; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.bin
        Content-Transfer-Encoding: base64

        AAECAwQ=
        --outer--
        """;

    [Fact]
    public async Task Messages_listNewestFirst_searchByField_andPage()
    {
        await using var web = await ApiTestServer.StartAsync();
        var first = await web.DeliverAsync(ApiTestServer.Message("First one", "apples"));
        var second = await web.DeliverAsync(ApiTestServer.Message("Second one", "pears", from: "Zed <zed@example.org>"), to: "carol@localhost");

        var all = await web.GetJsonAsync("/api/messages");
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        var items = all.GetProperty("items");
        Assert.Equal([second, first], items.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        var top = items[0];
        Assert.Equal("carol", top.GetProperty("account").GetString());
        Assert.Equal("INBOX", top.GetProperty("mailbox").GetString());
        Assert.Equal("Zed <zed@example.org>", top.GetProperty("from").GetString());
        Assert.Equal("bob@localhost", top.GetProperty("to")[0].GetString());
        Assert.Equal("pears", top.GetProperty("preview").GetString());
        Assert.Equal("2026-11-26T14:00:00+03:00", top.GetProperty("date").GetString());
        Assert.False(top.GetProperty("hasAttachments").GetBoolean());

        Assert.Equal(first, Single(await web.GetJsonAsync("/api/messages?subject=FIRST")));
        Assert.Equal(second, Single(await web.GetJsonAsync("/api/messages?from=zed")));
        Assert.Equal(second, Single(await web.GetJsonAsync("/api/messages?text=pear")));
        Assert.Equal(first, Single(await web.GetJsonAsync("/api/messages?q=apples")));
        Assert.Equal(second, Single(await web.GetJsonAsync("/api/messages?account=carol")));
        Assert.Equal(0, (await web.GetJsonAsync("/api/messages?to=nobody")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await web.GetJsonAsync("/api/messages?account=%01bad")).GetProperty("total").GetInt32());
        var page = await web.GetJsonAsync("/api/messages?limit=1&offset=1");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(first, page.GetProperty("items")[0].GetProperty("id").GetInt64());

        var mailboxes = await web.GetJsonAsync("/api/mailboxes");
        Assert.Equal(2, mailboxes.GetProperty("total").GetInt32());
        var bob = mailboxes.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("account").GetString() == "bob");
        Assert.Equal("INBOX", bob.GetProperty("name").GetString());
        Assert.Equal(1, bob.GetProperty("messageCount").GetInt32());
        Assert.Equal(2, bob.GetProperty("uidNext").GetInt64());

        using var bad = await web.Http.GetAsync("/api/messages?limit=0");
        await ApiTestServer.ProblemAsync(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Message_detailRawHtmlAndParts()
    {
        await using var web = await ApiTestServer.StartAsync();
        var id = await web.DeliverAsync(Rich);

        var detail = await web.GetJsonAsync($"/api/messages/{id}");
        Assert.Equal("Report attached", detail.GetProperty("subject").GetString());
        Assert.Equal(["bob@localhost", "Dave <dave@localhost>"], detail.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["erin@localhost"], detail.GetProperty("cc").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("The plain text.", detail.GetProperty("text").GetString()!.Trim());
        Assert.True(detail.GetProperty("hasHtml").GetBoolean());
        Assert.True(detail.GetProperty("hasAttachments").GetBoolean());
        Assert.Contains(detail.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Cc" && h.GetProperty("value").GetString()!.Contains("erin", StringComparison.Ordinal));
        var attachment = Assert.Single(detail.GetProperty("attachments").EnumerateArray());
        Assert.Equal(0, attachment.GetProperty("index").GetInt32());
        Assert.Equal("отчёт.bin", attachment.GetProperty("fileName").GetString());
        Assert.Equal("application/octet-stream", attachment.GetProperty("contentType").GetString());
        Assert.Equal(5, attachment.GetProperty("size").GetInt64());

        using (var raw = await web.Http.GetAsync($"/api/messages/{id}/raw"))
        {
            Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
            Assert.Equal("message/rfc822", raw.Content.Headers.ContentType?.MediaType);
            Assert.Equal(await web.Mail.ReadMessageAsync(id), await raw.Content.ReadAsByteArrayAsync());
            Assert.Null(raw.Content.Headers.ContentDisposition);
        }

        using (var download = await web.Http.GetAsync($"/api/messages/{id}/raw?download=1"))
        {
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        }

        using (var html = await web.Http.GetAsync($"/api/messages/{id}/html"))
        {
            Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", html.Content.Headers.ContentType?.CharSet);
            Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:; sandbox", string.Join(";", html.Headers.GetValues("Content-Security-Policy")));
            Assert.Contains("<b>Bob</b>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var remote = await web.Http.GetAsync($"/api/messages/{id}/html?remote=1"))
        {
            Assert.Contains("img-src data: cid: http: https:", string.Join(";", remote.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        using (var part = await web.Http.GetAsync($"/api/messages/{id}/parts/0"))
        {
            Assert.Equal(HttpStatusCode.OK, part.StatusCode);
            Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, await part.Content.ReadAsByteArrayAsync());
            Assert.Equal("application/octet-stream", part.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", part.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Contains("filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.bin", part.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);
        }

        using var missingPart = await web.Http.GetAsync($"/api/messages/{id}/parts/1");
        await ApiTestServer.ProblemAsync(missingPart, HttpStatusCode.NotFound);
        using var missing = await web.Http.GetAsync("/api/messages/999999");
        Assert.Contains("999999", (await ApiTestServer.ProblemAsync(missing, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_withoutPlainPart_isTheTextAndNoHtmlIs404()
    {
        await using var web = await ApiTestServer.StartAsync();
        var htmlOnly = await web.DeliverAsync("Subject: h\nContent-Type: text/html; charset=utf-8\n\n<html><head><style>p{}</style></head><body><p>Line\n   one </p><p>Line &amp; two</p><script>x()</script></body></html>\n");
        var plain = await web.DeliverAsync(ApiTestServer.Message("plain"));

        Assert.Equal("Line one\nLine & two", (await web.GetJsonAsync($"/api/messages/{htmlOnly}")).GetProperty("text").GetString());
        using var none = await web.Http.GetAsync($"/api/messages/{plain}/html");
        await ApiTestServer.ProblemAsync(none, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cyrillic_windows1251_8bit_subjectFromAndBodyDecoded()
    {
        MailCharsets.EnsureRegistered();
        var cp1251 = Encoding.GetEncoding("windows-1251");
        string Word(string text) => $"=?windows-1251?B?{Convert.ToBase64String(cp1251.GetBytes(text))}?=";
        var message = $"From: {Word("Алиса")} <alice@example.org>\nTo: bob@localhost\nSubject: {Word("Привет, Боб — тест")}\nMIME-Version: 1.0\n"
            + "Content-Type: text/plain; charset=windows-1251\nContent-Transfer-Encoding: 8bit\n\nЗдравствуйте, Боб! Это письмо.\n";
        await using var web = await ApiTestServer.StartAsync();
        var id = await web.DeliverAsync(message, encoding: cp1251);

        var detail = await web.GetJsonAsync($"/api/messages/{id}");
        Assert.Equal("Привет, Боб — тест", detail.GetProperty("subject").GetString());
        Assert.Equal("Алиса <alice@example.org>", detail.GetProperty("from").GetString());
        Assert.Equal("Здравствуйте, Боб! Это письмо.", detail.GetProperty("text").GetString()!.Trim());
        Assert.Equal("Здравствуйте, Боб! Это письмо.", Assert.Single((await web.GetJsonAsync("/api/messages?subject=привет")).GetProperty("items").EnumerateArray()).GetProperty("preview").GetString());
    }

    [Fact]
    public async Task Cyrillic_windows1251_raw8bitHeaders_readInTheBodysCharset()
    {
        MailCharsets.EnsureRegistered();
        var cp1251 = Encoding.GetEncoding("windows-1251");
        var message = "From: Алиса <alice@example.org>\nTo: bob@localhost\nSubject: Отчёт за ноябрь\nMIME-Version: 1.0\n"
            + "Content-Type: text/plain; charset=windows-1251\nContent-Transfer-Encoding: 8bit\n\nВсё готово.\n";
        await using var web = await ApiTestServer.StartAsync();
        var id = await web.DeliverAsync(message, encoding: cp1251);

        var detail = await web.GetJsonAsync($"/api/messages/{id}");
        Assert.Equal("Отчёт за ноябрь", detail.GetProperty("subject").GetString());
        Assert.Equal("Алиса <alice@example.org>", detail.GetProperty("from").GetString());
        Assert.Equal("Всё готово.", detail.GetProperty("text").GetString()!.Trim());
    }

    [Fact]
    public async Task Delete_oneThenAll_withFilters()
    {
        await using var web = await ApiTestServer.StartAsync();
        var one = await web.DeliverAsync(ApiTestServer.Message("one"));
        await web.DeliverAsync(ApiTestServer.Message("two"));
        await web.DeliverAsync(ApiTestServer.Message("three"), to: "carol@localhost");

        using (var deleted = await web.Http.DeleteAsync($"/api/messages/{one}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Null(await web.Mail.FindMessageAsync(one));
        using (var again = await web.Http.DeleteAsync($"/api/messages/{one}"))
        {
            await ApiTestServer.ProblemAsync(again, HttpStatusCode.NotFound);
        }

        using (var carol = await web.Http.DeleteAsync("/api/messages?account=carol&mailbox=INBOX"))
        {
            Assert.Equal(1, System.Text.Json.JsonDocument.Parse(await carol.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt32());
        }

        Assert.Equal(1, (await web.GetJsonAsync("/api/messages")).GetProperty("total").GetInt32());
        using (var rest = await web.Http.DeleteAsync("/api/messages"))
        {
            Assert.Equal(1, System.Text.Json.JsonDocument.Parse(await rest.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt32());
        }

        Assert.Empty(await web.Mail.ListMessagesAsync());
    }

    private static long Single(System.Text.Json.JsonElement list)
    {
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        return Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64();
    }
}
