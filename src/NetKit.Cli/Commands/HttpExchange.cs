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
        };
        using var client = new HttpClient(HttpHandlers.Create(settings)) { Timeout = Timeout.InfiniteTimeSpan };
        var trace = invocation.Trace ? new WireTrace(Console.Error, TraceRole.Client) { Redact = HttpHeadTrace.Redact } : null;
        var idleLimit = TimeSpan.FromSeconds(invocation.TimeoutSeconds);

        void OnResponse(HttpResponseMessage response)
        {
            if (trace is not null)
            {
                if (response.RequestMessage?.RequestUri is { } final && final != builder.Url)
                {
                    trace.Note($"redirected to {final}");
                }

                HttpHeadTrace.Response(trace, response);
            }
        }

        HttpRequestMessage Create()
        {
            var request = builder.Build();
            if (trace is not null)
            {
                HttpHeadTrace.Request(trace, request);
            }

            return request;
        }

        if (invocation.Output is { } path)
        {
            return await HttpSaveToFile.RunAsync(client, Create, path, invocation, idleLimit, OnResponse, follow, cancellationToken);
        }

        using var idle = new IdleTimeout(idleLimit, cancellationToken);
        try
        {
            using var request = Create();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
            OnResponse(response);
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
