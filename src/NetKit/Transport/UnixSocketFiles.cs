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

        if (new FileInfo(path).Length > 0)
        {
            return; // A regular file with content: not ours to delete; bind will fail and say so.
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

    private static string? PathOf(EndPoint endPoint)
    {
        var text = (endPoint as UnixDomainSocketEndPoint)?.ToString();
        return string.IsNullOrEmpty(text) || text[0] == '\0' || text[0] == '@' ? null : text;
    }
}
