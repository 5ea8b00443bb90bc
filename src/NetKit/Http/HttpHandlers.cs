using System.Net;
using System.Net.Quic;

namespace NetKit.Http;

/// <summary>What the connection layer does: redirects, certificates, proxy, decompression, timeouts.</summary>
public sealed class HttpConnectionSettings
{
    public bool FollowRedirects { get; init; } = true;

    public int MaxRedirects { get; init; } = 10;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Accept any server certificate (a self-signed test server); never for real traffic.</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>An HTTP proxy for every request; null uses the environment's (HTTP_PROXY and friends).</summary>
    public Uri? Proxy { get; init; }

    /// <summary>Ask for gzip, deflate and brotli and undo them on the way in.</summary>
    public bool Decompress { get; init; } = true;

    /// <summary>Where request and response heads are traced; null for none.</summary>
    public NetKit.Transport.WireTrace? Trace { get; init; }
}

/// <summary>Builds the <see cref="SocketsHttpHandler"/> for <see cref="HttpConnectionSettings"/>: NetKit has no HTTP engine of its own.</summary>
public static class HttpHandlers
{
    /// <summary>Whether HTTP/3 can be spoken here (QUIC needs libmsquic on Linux).</summary>
    public static bool Http3Supported =>
        (OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) && QuicConnection.IsSupported;

    /// <summary>The whole pipeline: decoding (if asked) above the trace (if asked) above the sockets.</summary>
    public static HttpMessageHandler Create(HttpConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        HttpMessageHandler handler = CreateSockets(settings);
        if (settings.Trace is { } trace)
        {
            handler = new HttpTraceHandler(handler, trace);
        }

        return settings.Decompress ? new HttpDecodingHandler(handler) : handler;
    }

    /// <summary>The platform's HTTP engine with the settings; it does not decode bodies (see <see cref="HttpDecodingHandler"/>).</summary>
    public static SocketsHttpHandler CreateSockets(HttpConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxRedirects < 1 && settings.FollowRedirects)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "MaxRedirects must be at least 1 when redirects are followed");
        }

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = settings.FollowRedirects,
            MaxAutomaticRedirections = Math.Max(1, settings.MaxRedirects),
            ConnectTimeout = settings.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        if (settings.Proxy is { } proxy)
        {
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        }

        if (settings.AcceptAnyCertificate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return handler;
    }
}
