using System.Net;
using NetKit.Web;

namespace NetKit.Tests.Web;

/// <summary>Cross-origin writes, CORS, basic auth and the loopback Host check.</summary>
public sealed class ApiSecurityTests
{
    [Fact]
    public async Task Delete_fromAnotherOrigin_is403_fromOurOwnOrigin_works()
    {
        await using var web = await ApiTestServer.StartAsync();
        var id = await web.DeliverAsync(ApiTestServer.Message("keep me"));

        foreach (var origin in new[] { "http://evil.example", "null", $"http://localhost:{web.Address.Port}" })
        {
            using var foreign = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{id}");
            foreign.Headers.Add("Origin", origin);
            using var refused = await web.Http.SendAsync(foreign);
            await ApiTestServer.ProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        using var deleteAll = new HttpRequestMessage(HttpMethod.Delete, "/api/messages");
        deleteAll.Headers.Add("Origin", "http://evil.example");
        using (var refusedAll = await web.Http.SendAsync(deleteAll))
        {
            await ApiTestServer.ProblemAsync(refusedAll, HttpStatusCode.Forbidden);
        }

        Assert.NotNull(await web.Mail.FindMessageAsync(id));

        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/messages");
        read.Headers.Add("Origin", "http://evil.example");
        using (var answered = await web.Http.SendAsync(read))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode); // Readable only by a same-origin page: no CORS header.
            Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));
        }

        using var own = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{id}");
        own.Headers.Add("Origin", $"http://127.0.0.1:{web.Address.Port}");
        using var accepted = await web.Http.SendAsync(own);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
    }

    [Fact]
    public async Task BasicAuth_401WithoutOrWithWrongCredentials_200WithThem()
    {
        await using var web = await ApiTestServer.StartAsync(new WebServerOptions { User = "admin", Password = "s3cret pw" });
        foreach (var path in new[] { "/api/status", "/", "/openapi/v1.json" })
        {
            using var anonymous = await web.Http.GetAsync(path);
            await ApiTestServer.ProblemAsync(anonymous, HttpStatusCode.Unauthorized);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Contains("realm=\"netkit\"", anonymous.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        wrong.Headers.Authorization = ApiTestServer.Basic("admin", "s3cret");
        using (var refused = await web.Http.SendAsync(wrong))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        right.Headers.Authorization = ApiTestServer.Basic("admin", "s3cret pw");
        using var ok = await web.Http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task LoopbackBind_refusesAForeignHostName()
    {
        // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example.
        await using var web = await ApiTestServer.StartAsync();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/messages");
        rebound.Headers.Host = $"evil.example:{web.Address.Port}";
        using var refused = await web.Http.SendAsync(rebound);
        await ApiTestServer.ProblemAsync(refused, HttpStatusCode.Forbidden);

        using var local = new HttpRequestMessage(HttpMethod.Get, "/api/messages");
        local.Headers.Host = $"localhost:{web.Address.Port}";
        using var answered = await web.Http.SendAsync(local);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }
}
