using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetKit.Transport;

namespace NetKit.Tests.Http;

/// <summary>
/// Kestrel in this process with the routes of tests/interop/http_server.py;
/// gzip and brotli come from ASP.NET Core's response compression, TLS from a
/// self-signed certificate (HTTP/1.1 and HTTP/2 by ALPN), and a third port
/// speaks HTTP/2 in clear text (prior knowledge).
/// </summary>
public sealed class KestrelHttpServer : IHttpTestServer
{
    private readonly WebApplication _app;
    private int _version = 1;
    private long _cutAfter = -1;

    private KestrelHttpServer(WebApplication app, string root)
    {
        _app = app;
        Root = root;
    }

    public string BaseUrl { get; private set; } = "";

    public string TlsBaseUrl { get; private set; } = "";

    /// <summary>http://127.0.0.1:PORT speaking only HTTP/2 (h2c).</summary>
    public string H2cBaseUrl { get; private set; } = "";

    public string Root { get; }

    public static async Task<KestrelHttpServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("netkit-http-kestrel-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? plain = null, tls = null, h2c = null;
        var certificate = TlsCertificates.CreateSelfSigned();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, o => plain = o);
            kestrel.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http1AndHttp2;
                o.UseHttps(certificate);
                tls = o;
            });
            kestrel.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                h2c = o;
            });
        });
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["text/plain", "application/json"];
        });
        var app = builder.Build();
        var server = new KestrelHttpServer(app, root);
        app.UseResponseCompression();
        server.MapRoutes();
        await app.StartAsync();
        server.BaseUrl = $"http://127.0.0.1:{plain!.IPEndPoint!.Port}";
        server.TlsBaseUrl = $"https://127.0.0.1:{tls!.IPEndPoint!.Port}";
        server.H2cBaseUrl = $"http://127.0.0.1:{h2c!.IPEndPoint!.Port}";
        return server;
    }

    public Task CutNextBlobAfterAsync(long bytes)
    {
        Interlocked.Exchange(ref _cutAfter, bytes);
        return Task.CompletedTask;
    }

    public Task SetBlobVersionAsync(int version)
    {
        Volatile.Write(ref _version, version);
        return Task.CompletedTask;
    }

    private void MapRoutes()
    {
        _app.Map("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            return Results.Json(new Dictionary<string, object>
            {
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path + context.Request.QueryString,
                ["headers"] = headers,
                ["body"] = body,
                ["protocol"] = context.Request.Protocol,
            });
        });
        _app.Map("/redirect/{left:int}", (int left) => left == 0 ? Results.Text("arrived") : Results.Redirect($"/redirect/{left - 1}"));
        _app.Map("/status/{code:int}", (int code) => Results.Text($"status {code}", statusCode: code));
        _app.Map("/chunked", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/octet-stream"; // not compressed: the chunks are the point
            foreach (var part in new[] { "alpha\n", "beta\n", "gamma\n" })
            {
                await context.Response.WriteAsync(part, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        _app.Map("/gzip", () => Results.Text(string.Concat(Enumerable.Repeat("squeezed by gzip\n", 100)), "text/plain"));
        _app.Map("/file/{name}", (string name) =>
        {
            var path = Path.Combine(Root, Path.GetFileName(name));
            var encoding = Path.GetExtension(name) switch { ".br" => "br", ".gz" => "gzip", _ => null };
            return encoding is null ? Results.File(path, "application/octet-stream") : new EncodedFile(path, encoding);
        });
        _app.Map("/blob/{size:long}", BlobAsync);
        _app.Map("/stall", async (HttpContext context) =>
        {
            context.Response.ContentLength = 100;
            await context.Response.Body.WriteAsync(new byte[10], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
        });
        _app.Map("/stall-head", async (HttpContext context) => await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted));
    }

    private async Task BlobAsync(HttpContext context, long size)
    {
        var version = Volatile.Read(ref _version);
        var cut = Interlocked.Exchange(ref _cutAfter, -1);
        var etag = BlobPattern.ETag(version, size);
        var request = context.Request;
        var response = context.Response;
        long start = 0;
        var ifRange = request.Headers.IfRange.ToString();
        if (request.Headers.Range.ToString() is ['b', 'y', 't', 'e', 's', '=', .. var from] && from.EndsWith('-')
            && (ifRange.Length == 0 || ifRange == etag))
        {
            start = long.Parse(from[..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= size)
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{size}";
                return;
            }

            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {start}-{size - 1}/{size}";
        }

        response.ContentType = "application/octet-stream";
        response.ContentLength = size - start;
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        var block = BlobPattern.Base(version);
        long sent = 0;
        for (var position = start; position < size;)
        {
            var index = position / BlobPattern.BlockSize;
            var offset = (int)(position % BlobPattern.BlockSize);
            BlobPattern.Stamp(block, index);
            var length = (int)Math.Min(BlobPattern.BlockSize - offset, size - position);
            if (cut >= 0 && sent + length > cut)
            {
                await response.Body.WriteAsync(block.AsMemory(offset, (int)(cut - sent)), context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                // Let the client drain what was sent: Abort resets the connection, and a reset discards unread bytes.
                await Task.Delay(200, context.RequestAborted);
                context.Abort(); // mid-body: fewer bytes than Content-Length
                return;
            }

            await response.Body.WriteAsync(block.AsMemory(offset, length), context.RequestAborted);
            position += length;
            sent += length;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A file that is already encoded, sent with its Content-Encoding (the compression middleware leaves it alone).</summary>
    private sealed class EncodedFile(string path, string encoding) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/octet-stream";
            httpContext.Response.Headers.ContentEncoding = encoding;
            await httpContext.Response.SendFileAsync(path, httpContext.RequestAborted);
        }
    }
}
