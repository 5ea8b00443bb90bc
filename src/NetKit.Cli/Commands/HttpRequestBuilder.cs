using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NetKit.Http;

namespace NetKit.Cli.Commands;

/// <summary>
/// Checks what the user typed once (a mistake is a usage error before any
/// connection) and then makes the request as often as it is needed: a
/// download that starts over sends it again.
/// </summary>
internal sealed class HttpRequestBuilder
{
    private readonly HttpInvocation _invocation;
    private readonly List<(string Name, string Value)> _headers;
    private readonly byte[]? _stdinBody;

    private HttpRequestBuilder(HttpInvocation invocation, HttpMethod method, Uri url, List<(string, string)> headers, byte[]? stdinBody)
    {
        _invocation = invocation;
        Method = method;
        Url = url;
        _headers = headers;
        _stdinBody = stdinBody;
        (Version, VersionPolicy) = ChooseVersion(invocation, url);
    }

    public HttpMethod Method { get; }

    public Uri Url { get; }

    public Version Version { get; }

    public HttpVersionPolicy VersionPolicy { get; }

    public static async Task<HttpRequestBuilder> CreateAsync(HttpInvocation invocation, CancellationToken cancellationToken)
    {
        var bodies = (invocation.Data is null ? 0 : 1) + (invocation.Form.Count > 0 ? 1 : 0) + (invocation.Json.Count > 0 ? 1 : 0);
        if (bodies > 1)
        {
            throw new UsageException("give one body: --data, --form or --json");
        }

        if (invocation.User is not null && invocation.Bearer is not null)
        {
            throw new UsageException("give one of --user and --bearer");
        }

        if (invocation.Resume && invocation.Output is null)
        {
            throw new UsageException("--continue needs -o FILE");
        }

        if (invocation.MaxRedirects < 0 || invocation.TimeoutSeconds <= 0)
        {
            throw new UsageException("--max-redirects must be 0 or more and --timeout more than 0");
        }

        var (method, text) = HttpCommand.MethodAndUrl(invocation.Words, invocation.HasBody);
        var url = HttpRequests.ParseUrl(text);
        var headers = invocation.Headers.Select(HttpRequests.ParseHeader).ToList();
        if (invocation.Data is { } data && data.StartsWith('@') && !File.Exists(data[1..]))
        {
            throw new UsageException($"--data {data}: no such file");
        }

        var stdin = invocation.Data == "-" ? await ReadStdinAsync(cancellationToken) : null;
        var builder = new HttpRequestBuilder(invocation, method, url, headers, stdin);
        builder.Build().Dispose(); // every header and body is checked now, not on first use
        return builder;
    }

    public HttpRequestMessage Build()
    {
        var request = new HttpRequestMessage(Method, Url) { Version = Version, VersionPolicy = VersionPolicy, Content = Body() };
        request.Headers.UserAgent.ParseAdd($"netkit/{typeof(HttpRequestBuilder).Assembly.GetName().Version?.ToString(3)}");
        if (_invocation.User is { } user)
        {
            request.Headers.Authorization = HttpRequests.Basic(user);
        }
        else if (_invocation.Bearer is { } token)
        {
            request.Headers.Authorization = HttpRequests.Bearer(token);
        }

        foreach (var (name, value) in _headers)
        {
            HttpRequests.AddHeader(request, name, value);
        }

        return request;
    }

    private HttpContent? Body()
    {
        if (_invocation.Form.Count > 0)
        {
            return HttpRequests.Form(_invocation.Form);
        }

        if (_invocation.Json.Count > 0)
        {
            return HttpRequests.Json(_invocation.Json);
        }

        return _invocation.Data switch
        {
            null => null,
            "-" => Typed(new ByteArrayContent(_stdinBody!), "application/octet-stream"),
            ['@', .. var path] => Typed(new StreamContent(File.OpenRead(path)), "application/octet-stream"),
            var text => Typed(new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "text/plain; charset=utf-8"),
        };
    }

    private static HttpContent Typed(HttpContent content, string type)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return content;
    }

    private static async Task<byte[]> ReadStdinAsync(CancellationToken cancellationToken)
    {
        await using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        await stdin.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// By default https negotiates HTTP/2 or 1.1 by ALPN, as curl does, and http
    /// speaks 1.1; a --httpX option asks for exactly that version.
    /// </summary>
    private static (Version, HttpVersionPolicy) ChooseVersion(HttpInvocation invocation, Uri url)
    {
        if ((invocation.Http11 ? 1 : 0) + (invocation.Http2 ? 1 : 0) + (invocation.Http3 ? 1 : 0) > 1)
        {
            throw new UsageException("give one of --http1.1, --http2 and --http3");
        }

        if (invocation.Http3)
        {
            if (url.Scheme != Uri.UriSchemeHttps)
            {
                throw new UsageException("HTTP/3 runs over QUIC, which is always encrypted: use an https:// URL");
            }

            if (!HttpHandlers.Http3Supported)
            {
                throw new UsageException("HTTP/3 is not available on this machine: .NET needs QUIC (libmsquic) for it, and it is not installed");
            }

            return (HttpVersion.Version30, HttpVersionPolicy.RequestVersionExact);
        }

        if (invocation.Http2)
        {
            return (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        }

        if (invocation.Http11 || url.Scheme == Uri.UriSchemeHttp)
        {
            return (HttpVersion.Version11, HttpVersionPolicy.RequestVersionExact);
        }

        return (HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower);
    }
}
