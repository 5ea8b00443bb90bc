using NetKit.Http;
using NetKit.Transport;

namespace NetKit.Tests.Http;

public sealed class HttpRequestsTests
{
    [Theory]
    [InlineData("X-A: b", "X-A", "b")]
    [InlineData("X-A:b:c", "X-A", "b:c")]
    [InlineData("X-Empty:", "X-Empty", "")]
    public void ParseHeader_nameColonValue_split(string text, string name, string value) =>
        Assert.Equal((name, value), HttpRequests.ParseHeader(text));

    [Theory]
    [InlineData("no colon")]
    [InlineData(": value")]
    [InlineData("Bad Name: x")]
    [InlineData("X: a\r\nInjected: yes")]
    public void ParseHeader_malformed_throwsFormatException(string text) =>
        Assert.Throws<FormatException>(() => HttpRequests.ParseHeader(text));

    [Theory]
    [InlineData("http://example.org/x", "http://example.org/x")]
    [InlineData("example.org:8080/y", "http://example.org:8080/y")]
    [InlineData("https://[::1]:8443/", "https://[::1]:8443/")]
    public void ParseUrl_httpAndHttps_accepted(string text, string expected) =>
        Assert.Equal(new Uri(expected), HttpRequests.ParseUrl(text));

    [Theory]
    [InlineData("ftp://example.org/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://[::1")]
    [InlineData("http://")]
    [InlineData("")]
    public void ParseUrl_otherSchemesAndMalformed_throwFormatException(string text) =>
        Assert.Throws<FormatException>(() => HttpRequests.ParseUrl(text));

    [Fact]
    public void JsonObjectOf_stringsAndRawValues_built() =>
        Assert.Equal("""{"a":"1","b":1,"c":[true,null],"d":"x=y"}""", HttpRequests.JsonObjectOf(["a=1", "b:=1", "c:=[true,null]", "d=x=y"]).ToJsonString());

    [Fact]
    public async Task Json_oneRawDocument_sentAsItIs()
    {
        using var content = HttpRequests.Json(["[1, 2]"]);
        Assert.Equal("[1, 2]", await content.ReadAsStringAsync());
        Assert.Throws<FormatException>(() => HttpRequests.Json(["{broken"]));
    }

    [Fact]
    public void Basic_passwordWithColons_encodedWhole() =>
        Assert.Equal(Convert.ToBase64String("u:p:q"u8), HttpRequests.Basic("u:p:q").Parameter);

    [Fact]
    public void AddHeader_contentHeaderWithoutBody_throwsFormatException()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://x/");
        Assert.Throws<FormatException>(() => HttpRequests.AddHeader(request, "Content-Type", "text/plain"));
    }

    [Theory]
    [InlineData("Authorization: Basic dTpw", "Authorization: Basic ********")]
    [InlineData("authorization: Bearer abc", "authorization: Bearer ********")]
    [InlineData("Proxy-Authorization: Basic dTpw", "Proxy-Authorization: Basic ********")]
    [InlineData("Cookie: session=1", "Cookie: ********")]
    [InlineData("Accept: */*", "Accept: */*")]
    public void Redact_credentials_hidden(string line, string shown) => Assert.Equal(shown, HttpHeadTrace.Redact(line));

    [Fact]
    public void RequestTrace_showsHostAndHidesCredentials()
    {
        var writer = new StringWriter();
        var trace = new WireTrace(writer, TraceRole.Client) { Redact = HttpHeadTrace.Redact };
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://example.org:81/a?b=1") { Content = new StringContent("x") };
        request.Headers.Authorization = HttpRequests.Bearer("secret-token");
        HttpHeadTrace.Request(trace, request);
        var lines = writer.ToString().Split(Environment.NewLine);
        Assert.Equal("C: POST /a?b=1 HTTP/1.1", lines[0]);
        Assert.Equal("C: Host: example.org:81", lines[1]);
        Assert.Contains("C: Authorization: Bearer ********", lines);
        Assert.Contains("C: Content-Type: text/plain; charset=utf-8", lines);
        Assert.DoesNotContain("secret-token", writer.ToString(), StringComparison.Ordinal);
    }
}
