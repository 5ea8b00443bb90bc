using System.Net;
using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>
/// The file a Unix socket leaves behind. A file left by a server that died is
/// removed before binding; a file that a live server still answers on is not.
/// </summary>
internal static class UnixSocketFiles
{
    public static void RemoveStale(EndPoint endPoint)
    {
        var path = PathOf(endPoint);
        if (path is null || !File.Exists(path))
        {
            return;
        }

        if (!IsSocketFile(path))
        {
            return; // A regular file or a folder: not ours to delete; bind will fail and say so.
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(endPoint);
            return; // Someone is listening: leave it, bind will report the address in use.
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody has it bound (a stream or a datagram socket alike): left by a process that died.
            File.Delete(path);
        }
        catch (SocketException)
        {
            // A live socket of the other type answers with a different error: leave it to bind to report.
        }
    }

    public static void Remove(EndPoint endPoint)
    {
        var path = PathOf(endPoint);
        if (path is not null)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// .NET has no call for a file's type, but open() tells: a regular file
    /// opens, a socket file fails with ENXIO ("no such device or address").
    /// </summary>
    private static bool IsSocketFile(string path)
    {
        if (Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            return false;
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? PathOf(EndPoint endPoint)
    {
        var text = (endPoint as UnixDomainSocketEndPoint)?.ToString();
        return string.IsNullOrEmpty(text) || text[0] == '\0' || text[0] == '@' ? null : text;
    }
}
