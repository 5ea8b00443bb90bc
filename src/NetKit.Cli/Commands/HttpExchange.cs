using NetKit.Http;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>One `netkit http` run: the client, the request, and where the response goes (stdout or -o FILE).</summary>
internal static class HttpExchange
{
    public static async Task<int> RunAsync(HttpInvocation invocation, CancellationToken cancellationToken)
    {
        var builder = await HttpRequestBuilder.CreateAsync(invocation, cancellationToken);
        var follow = invocation.MaxRedirects > 0;
        var settings = new HttpConnectionSettings
        {
            FollowRedirects = follow,
            MaxRedirects = Math.Max(1, invocation.MaxRedirects),
            ConnectTimeout = TimeSpan.FromSeconds(invocation.TimeoutSeconds),
            AcceptAnyCertificate = invocation.Insecure,
            Proxy = invocation.Proxy is null ? null : ProxyUrl(invocation.Proxy),
            Trace = invocation.Trace ? new WireTrace(Console.Error, TraceRole.Client) { Redact = HttpHeadTrace.Redact } : null,
        };
        using var client = new HttpClient(HttpHandlers.Create(settings)) { Timeout = Timeout.InfiniteTimeSpan };
        var idleLimit = TimeSpan.FromSeconds(invocation.TimeoutSeconds);

        if (invocation.Output is { } path)
        {
            return await HttpSaveToFile.RunAsync(client, builder.Build, path, invocation, idleLimit, follow, cancellationToken);
        }

        using var idle = new IdleTimeout(idleLimit, cancellationToken);
        try
        {
            using var request = builder.Build();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
            await HttpOutput.WriteAsync(response, request.Method == HttpMethod.Head || invocation.Include, idle);
            return Verdict(response, follow, invocation.MaxRedirects);
        }
        catch (OperationCanceledException ex) when (idle.Expired(ex))
        {
            throw idle.Failure("data");
        }
    }

    /// <summary>The exit code for the final response; an unfollowed redirect at the limit says so on stderr.</summary>
    public static int Verdict(HttpResponseMessage response, bool follow, int maxRedirects)
    {
        var code = HttpExitCodes.ForStatus(response.StatusCode, follow);
        if (code == HttpExitCodes.TooManyRedirects)
        {
            Console.Error.WriteLine($"netkit: too many redirects: still {(int)response.StatusCode} after {maxRedirects} (--max-redirects)");
        }
        else if (code != HttpExitCodes.Success)
        {
            Console.Error.WriteLine($"netkit: {HttpStatusException.From(response).Message}");
        }

        return code;
    }

    private static Uri ProxyUrl(string text)
    {
        var url = HttpRequests.ParseUrl(text);
        return url.Scheme == Uri.UriSchemeHttp ? url : throw new UsageException($"--proxy {text}: only http:// proxies");
    }
}
