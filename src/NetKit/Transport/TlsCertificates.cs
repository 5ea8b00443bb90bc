using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport;

/// <summary>
/// The server certificate: a configured PFX file, or a self-signed one that
/// NetKit makes on first use and keeps in the data directory (so a client that
/// pins it once keeps working across restarts).
/// </summary>
public static class TlsCertificates
{
    /// <summary>Where the self-signed certificate lives inside a data directory.</summary>
    public static string SelfSignedPath(string dataDirectory) => Path.Combine(dataDirectory, "tls", "netkit-selfsigned.pfx");

    /// <summary>Loads a PKCS#12 file (the usual way to hand a server its certificate and key).</summary>
    public static X509Certificate2 Load(string pfxPath, string? password = null)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(pfxPath, password);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new NetKitException($"cannot load the TLS certificate {pfxPath}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Loads the self-signed certificate kept in <paramref name="dataDirectory"/>,
    /// making a new one when there is none or it expires within a week.
    /// </summary>
    public static X509Certificate2 LoadOrCreateSelfSigned(string dataDirectory, string hostName = "localhost")
    {
        var path = SelfSignedPath(dataDirectory);
        if (File.Exists(path))
        {
            try
            {
                var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
                if (existing.NotAfter > DateTime.Now.AddDays(7) && existing.HasPrivateKey)
                {
                    return existing;
                }

                existing.Dispose();
            }
            catch (CryptographicException)
            {
                // Unreadable: make a new one below.
            }
        }

        var created = CreateSelfSigned(hostName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Private from the first byte (never briefly world-readable), and a temporary
        // name of its own so that two servers starting at once do not mix their writes.
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(created.Export(X509ContentType.Pkcs12));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return created;
    }

    /// <summary>A new self-signed ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1 (and the given name), valid a year.</summary>
    public static X509Certificate2 CreateSelfSigned(string hostName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}, O=NetKit", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        if (hostName != "localhost")
        {
            names.AddDnsName("localhost");
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));

        // A round trip through PKCS#12 gives a key that SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
