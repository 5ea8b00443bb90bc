using System.Collections.Concurrent;
using System.Net;

namespace NetKit.Transport;

/// <summary>
/// Counts open connections per peer address so that one address cannot take
/// every slot of a server (RFC 2577's advice for FTP, good for all). Loopback
/// peers are the machine's own programs and are not limited unless asked.
/// </summary>
internal sealed class AddressLimiter(int limit, bool limitLoopback)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Counts the connection in; false when its address is at the limit.</summary>
    public bool TryEnter(EndPoint? peer)
    {
        if (Key(peer) is not { } address)
        {
            return true;
        }

        while (true)
        {
            var count = _open.GetOrAdd(address, 0);
            if (count >= limit)
            {
                return false;
            }

            if (_open.TryUpdate(address, count + 1, count))
            {
                return true;
            }
        }
    }

    /// <summary>Counts a connection admitted by <see cref="TryEnter"/> out again.</summary>
    public void Leave(EndPoint? peer)
    {
        if (Key(peer) is not { } address)
        {
            return;
        }

        while (_open.TryGetValue(address, out var count))
        {
            if (count <= 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(address, count)) : _open.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }

    private IPAddress? Key(EndPoint? peer) => peer switch
    {
        IPEndPoint ip when limitLoopback || !IPAddress.IsLoopback(ip.Address) =>
            ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address,
        _ => null, // Unix sockets, and loopback unless asked: not limited
    };
}
