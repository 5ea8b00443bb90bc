using NetKit.Transport;

namespace NetKit.Http;

/// <summary>
/// Writes each request head as it goes and each response head as it comes
/// (before any decoding) to a <see cref="WireTrace"/>, credentials hidden.
/// Redirects followed inside SocketsHttpHandler show as a note and the final head.
/// </summary>
public sealed class HttpTraceHandler(HttpMessageHandler inner, WireTrace trace) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asked = request.RequestUri;
        HttpHeadTrace.Request(trace, request);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.RequestMessage?.RequestUri is { } final && final != asked)
        {
            trace.Note($"redirected to {final}");
        }

        HttpHeadTrace.Response(trace, response);
        return response;
    }
}
