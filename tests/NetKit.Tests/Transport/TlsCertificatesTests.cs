using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class TlsCertificatesTests
{
    [Fact]
    public void LoadOrCreateSelfSigned_secondCall_returnsTheKeptCertificate()
    {
        var data = Directory.CreateTempSubdirectory("nk-tls-").FullName;
        using var first = TlsCertificates.LoadOrCreateSelfSigned(data);
        using var second = TlsCertificates.LoadOrCreateSelfSigned(data);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(second.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TlsCertificates.SelfSignedPath(data)));
        }
    }

    [Fact]
    public void LoadOrCreateSelfSigned_corruptFile_isReplaced()
    {
        var data = Directory.CreateTempSubdirectory("nk-tls-").FullName;
        var path = TlsCertificates.SelfSignedPath(data);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a certificate");
        using var certificate = TlsCertificates.LoadOrCreateSelfSigned(data);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void Load_missingFile_throwsNetKitException()
    {
        var error = Assert.Throws<NetKitException>(() => TlsCertificates.Load("/nonexistent/cert.pfx"));
        Assert.Contains("/nonexistent/cert.pfx", error.Message);
    }
}
