using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>The real FTP peers the interop tests use; a missing one fails the test and names its Debian package.</summary>
internal static class FtpPeers
{
    /// <summary>Debian's Python, where python3-pyftpdlib lives (the python3 on PATH may be another one).</summary>
    public static string DebianPython
    {
        get
        {
            Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 is missing; install it: apt-get install -y python3");
            return "/usr/bin/python3";
        }
    }

    public static string Curl => PeerPrograms.Require("curl", "curl");

    public static string Lftp => PeerPrograms.Require("lftp", "lftp");

    public static string Vsftpd
    {
        get
        {
            Assert.True(File.Exists("/usr/sbin/vsftpd"), "vsftpd is missing; install it: apt-get install -y vsftpd");
            return "/usr/sbin/vsftpd";
        }
    }

    public static Task<ProcessResult> PythonAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync(DebianPython, ["-u", InteropScripts.PathOf(script), .. arguments], timeout: TimeSpan.FromSeconds(60));

    /// <summary>A temporary directory removed when disposed.</summary>
    public static TempDirectory TempDirectory() => new(Directory.CreateTempSubdirectory("nk-ftp-local-").FullName);

    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }
}

internal sealed class TempDirectory(string path) : IDisposable
{
    public string Path { get; } = path;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
