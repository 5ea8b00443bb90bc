using System.IO.Compression;

namespace NetKit.Http;

/// <summary>
/// Asks for gzip, deflate and brotli and decodes the body on the way in, as
/// SocketsHttpHandler's AutomaticDecompression does, but above the trace: the
/// trace shows the head as the server sent it (with its Content-Encoding).
/// </summary>
public sealed class HttpDecodingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Set on a request whose response body was decoded: its bytes are not the server's, so byte ranges of it mean nothing.</summary>
    public static readonly HttpRequestOptionsKey<string> DecodedFrom = new("NetKit.Http.DecodedFrom");

    /// <summary>The content headers as the server sent them (with Content-Encoding and Content-Length), for showing the head (-i).</summary>
    public static readonly HttpRequestOptionsKey<IReadOnlyList<string>> SentContentHeaders = new("NetKit.Http.SentContentHeaders");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.AcceptEncoding.Count == 0)
        {
            request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        }

        var response = await base.SendAsync(request, cancellationToken);
        var encodings = response.Content.Headers.ContentEncoding;
        if (encodings.Count != 1 || Decoder(encodings.First()) is not { } decode)
        {
            return response;
        }

        request.Options.Set(DecodedFrom, encodings.First());
        request.Options.Set(SentContentHeaders, HttpHeadTrace.Lines(response.Content.Headers.NonValidated).ToList());
        var encoded = response.Content;
        var decoded = new StreamContent(decode(await encoded.ReadAsStreamAsync(cancellationToken)));
        foreach (var header in encoded.Headers.NonValidated)
        {
            if (!header.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase) && !header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                decoded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = decoded;
        return response;
    }

    private static Func<Stream, Stream>? Decoder(string encoding) => encoding.ToLowerInvariant() switch
    {
        "gzip" or "x-gzip" => s => new GZipStream(s, CompressionMode.Decompress),
        "deflate" => s => new ZLibStream(s, CompressionMode.Decompress),
        "br" => s => new BrotliStream(s, CompressionMode.Decompress),
        _ => null,
    };
}
