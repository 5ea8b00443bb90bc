using System.Net;
using System.Net.Sockets;

namespace NetKit.Tests.Support;

/// <summary>Ports on 127.0.0.1 for peers the tests start: a free one, and whether something listens yet.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port that was free a moment ago (the peer started next binds it).</summary>
    public static int Free()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public static async Task<bool> IsListeningAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
