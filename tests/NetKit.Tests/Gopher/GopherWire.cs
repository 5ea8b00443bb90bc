using System.Net;
using System.Net.Sockets;

namespace NetKit.Tests.Gopher;

/// <summary>A raw Gopher request: sends bytes as given, returns every byte the server sent until it closed.</summary>
public static class GopherWire
{
    public static async Task<byte[]> RequestAsync(int port, byte[] request, bool closeSend = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        if (request.Length > 0)
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
        }

        if (closeSend)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        var received = new MemoryStream();
        var buffer = new byte[65536];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    public static async Task<string> RequestTextAsync(int port, string request, bool closeSend = false) =>
        System.Text.Encoding.UTF8.GetString(await RequestAsync(port, System.Text.Encoding.UTF8.GetBytes(request), closeSend));
}
