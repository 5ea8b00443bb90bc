namespace NetKit.Tests.Http;

/// <summary>
/// A local HTTP server with the routes of tests/interop/http_server.py
/// (echo, redirect, status, chunked, gzip, file, blob, stall, control):
/// Python's http.server or Kestrel, so every test runs against both.
/// </summary>
public interface IHttpTestServer : IAsyncDisposable
{
    /// <summary>http://127.0.0.1:PORT, no trailing slash.</summary>
    string BaseUrl { get; }

    /// <summary>https://127.0.0.1:PORT with a self-signed certificate.</summary>
    string TlsBaseUrl { get; }

    /// <summary>The folder /file/NAME serves.</summary>
    string Root { get; }

    /// <summary>The next /blob response closes after this many body bytes.</summary>
    Task CutNextBlobAfterAsync(long bytes);

    /// <summary>Changes the blob's bytes and ETag (the resource changed on the server).</summary>
    Task SetBlobVersionAsync(int version);
}

public static class HttpTestServers
{
    public static readonly TheoryData<string> Kinds = new() { "python", "kestrel" };

    public static async Task<IHttpTestServer> StartAsync(string kind) => kind switch
    {
        "python" => await PythonHttpServer.StartAsync(),
        "kestrel" => await KestrelHttpServer.StartAsync(),
        _ => throw new ArgumentException($"unknown server kind {kind}", nameof(kind)),
    };
}
