using System.Text;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>The seed's client: connect, read what the server says until it closes.</summary>
public static class GreetingClient
{
    /// <summary>Everything the server sent before closing, decoded as UTF-8 (at most <paramref name="maxBytes"/>).</summary>
    public static async Task<string> ReadAsync(NetEndpoint endpoint, int maxBytes = 64 * 1024, CancellationToken cancellationToken = default)
    {
        await using var connection = await NetConnection.ConnectAsync(endpoint, NetConnection.DefaultConnectTimeout, cancellationToken);
        var buffer = new byte[maxBytes];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await connection.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
