using System.Text;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// The seed's first server (port 9999): says <c>Thank you for connecting</c>
/// and closes. The transport logs <c>connection from ADDR:PORT</c> for it.
/// </summary>
public static class GreetingService
{
    public const int DefaultPort = 9999;
    public const string Greeting = "Thank you for connecting";

    private static readonly byte[] Wire = Encoding.ASCII.GetBytes(Greeting + "\r\n");

    public static async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        connection.Trace?.Sent(Greeting);
        await connection.WriteAsync(Wire, stopping);
        connection.ShutdownSend();
    }
}
