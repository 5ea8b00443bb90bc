using System.Security.Cryptography.X509Certificates;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Http;

/// <summary>tests/interop/http_server.py (Python's http.server) on loopback, plain and TLS.</summary>
public sealed class PythonHttpServer : IHttpTestServer
{
    private static readonly HttpClient Control = new();
    private readonly ChildProcess _plain;
    private readonly ChildProcess _tls;

    private PythonHttpServer(ChildProcess plain, int port, ChildProcess tls, int tlsPort, string root)
    {
        _plain = plain;
        _tls = tls;
        BaseUrl = $"http://127.0.0.1:{port}";
        TlsBaseUrl = $"https://127.0.0.1:{tlsPort}";
        Root = root;
    }

    public string BaseUrl { get; }

    public string TlsBaseUrl { get; }

    public string Root { get; }

    public static async Task<PythonHttpServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("netkit-http-py-").FullName;
        using var certificate = TlsCertificates.CreateSelfSigned();
        var certPath = Path.Combine(root, "cert.pem");
        var keyPath = Path.Combine(root, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        using (var key = certificate.GetECDsaPrivateKey()!)
        {
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        }

        var (plain, port) = await InteropScripts.StartServerAsync("http_server.py", "--root", root);
        try
        {
            var (tls, tlsPort) = await InteropScripts.StartServerAsync("http_server.py", "--root", root, "--cert", certPath, "--key", keyPath);
            return new PythonHttpServer(plain, port, tls, tlsPort, root);
        }
        catch
        {
            await plain.DisposeAsync();
            throw;
        }
    }

    public Task CutNextBlobAfterAsync(long bytes) => ControlAsync("cut_after", bytes);

    public Task SetBlobVersionAsync(int version) => ControlAsync("version", version);

    /// <summary>A POST with a Content-Length (http.server does not read chunked request bodies).</summary>
    private async Task ControlAsync(string name, long value)
    {
        using var content = new StringContent($"{{\"{name}\": {value}}}", System.Text.Encoding.UTF8, "application/json");
        using var response = await Control.PostAsync($"{BaseUrl}/control", content);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _plain.DisposeAsync();
        await _tls.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
