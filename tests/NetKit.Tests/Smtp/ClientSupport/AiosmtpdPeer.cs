using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.ClientSupport;

/// <summary>
/// tests/interop/smtp_client_aiosmtpd.py under Debian's Python: aiosmtpd on a
/// free loopback port, recording each message it takes (bytes and envelope).
/// </summary>
public sealed partial class AiosmtpdPeer : IAsyncDisposable
{
    /// <summary>Debian's interpreter, which has python3-aiosmtpd (the python3 on PATH may not).</summary>
    public const string DebianPython = "/usr/bin/python3";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private AiosmtpdPeer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public const string User = "tester";
    public const string Password = "pässword 1";

    /// <summary>Starts aiosmtpd; <paramref name="auth"/> adds the test user, <paramref name="tls"/> STARTTLS with a self-signed certificate.</summary>
    public static async Task<AiosmtpdPeer> StartAsync(bool auth = false, bool tls = false, bool authWithoutTls = false)
    {
        Assert.True(File.Exists(DebianPython), $"{DebianPython} is missing; install it: apt-get install -y python3 python3-aiosmtpd");
        var directory = Directory.CreateTempSubdirectory("netkit-aiosmtpd-").FullName;
        List<string> arguments = ["-u", InteropScripts.PathOf("smtp_client_aiosmtpd.py"), "--record", directory];
        if (auth)
        {
            arguments.AddRange(["--user", User, "--password", Password]);
        }

        if (authWithoutTls)
        {
            arguments.Add("--auth-plaintext");
        }

        if (tls)
        {
            using var certificate = TlsCertificates.CreateSelfSigned();
            using var key = certificate.GetECDsaPrivateKey()!;
            var cert = Path.Combine(directory, "cert.pem");
            var keyFile = Path.Combine(directory, "key.pem");
            await File.WriteAllTextAsync(cert, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
            arguments.AddRange(["--cert", cert, "--key", keyFile]);
        }

        var process = ChildProcess.Start(DebianPython, arguments);
        try
        {
            var line = await process.WaitForLineAsync(l => PortLine().IsMatch(l), TimeSpan.FromSeconds(30), "its port (is python3-aiosmtpd installed?)");
            return new AiosmtpdPeer(process, directory, int.Parse(PortLine().Match(line).Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The <paramref name="number"/>th message received (from 1): its envelope record and its bytes.</summary>
    public async Task<(JsonElement Envelope, byte[] Bytes)> MessageAsync(int number)
    {
        var eml = Path.Combine(_directory, $"{number}.eml");
        for (var waited = 0; !File.Exists(eml); waited += 50)
        {
            Assert.True(waited < 10_000, $"aiosmtpd recorded no message {number}.\n{_process.Output()}");
            await Task.Delay(50);
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, $"{number}.json")));
        return (json.RootElement.Clone(), await File.ReadAllBytesAsync(eml));
    }

    public int MessageCount => Directory.GetFiles(_directory, "*.eml").Length;

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1 port (\d+)$")]
    private static partial Regex PortLine();
}
