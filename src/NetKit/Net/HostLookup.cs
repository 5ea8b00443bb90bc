using System.Net;
using System.Net.Sockets;

namespace NetKit.Net;

/// <summary>
/// Host names and addresses through the system resolver (<see cref="Dns"/>):
/// <c>gethostname</c>, <c>getaddrinfo</c> and <c>gethostbyaddr</c>, with one
/// kind of failure, <see cref="HostNotFoundException"/>.
/// </summary>
public static class HostLookup
{
    /// <summary>This machine's host name.</summary>
    public static string GetHostName() => Dns.GetHostName();

    /// <summary>
    /// Every IPv4 and IPv6 address of <paramref name="host"/>, in the resolver's
    /// order. An IP literal gives itself without asking the resolver.
    /// </summary>
    /// <exception cref="HostNotFoundException">The name does not resolve.</exception>
    public static async Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string host, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        if (IsReservedInvalid(host))
        {
            throw new HostNotFoundException(host);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.Unspecified, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw NotFound(host, ex);
        }
        catch (ArgumentException ex)
        {
            // The resolver refuses names it cannot even ask about (too long, bad characters).
            throw new HostNotFoundException(host, "not a valid host name", ex);
        }

        var result = addresses
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Distinct()
            .ToArray();
        return result.Length > 0 ? result : throw new HostNotFoundException(host);
    }

    /// <summary>
    /// The reverse look-up of an address, as Python's <c>gethostbyaddr</c>: for a
    /// name, the name is resolved first and its first address is reversed.
    /// </summary>
    /// <exception cref="HostNotFoundException">The name does not resolve or the address has no name.</exception>
    public static async Task<HostEntry> GetHostByAddressAsync(string addressOrName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(addressOrName);
        var addresses = await GetAddressesAsync(addressOrName, cancellationToken);
        var address = addresses[0];

        IPHostEntry entry;
        try
        {
            // Given an address as text, the resolver does the reverse look-up (and takes the token).
            entry = await Dns.GetHostEntryAsync(address.ToString(), cancellationToken);
        }
        catch (SocketException ex)
        {
            throw NotFound(address.ToString(), ex);
        }

        if (string.IsNullOrEmpty(entry.HostName) || IPAddress.TryParse(entry.HostName, out _))
        {
            // Some resolvers echo the address back instead of failing.
            throw new HostNotFoundException(address.ToString());
        }

        var entryAddresses = entry.AddressList.Length > 0 ? entry.AddressList : [address];
        var aliases = entry.Aliases.Where(a => !string.Equals(a, entry.HostName, StringComparison.OrdinalIgnoreCase)).ToArray();
        return new HostEntry(entry.HostName, aliases, entryAddresses);
    }

    /// <summary>
    /// RFC 6761: names under <c>.invalid</c> never resolve, and a resolver
    /// should say so without asking the network.
    /// </summary>
    private static bool IsReservedInvalid(string host)
    {
        var name = host.TrimEnd('.');
        return name.Equals("invalid", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);
    }

    private static HostNotFoundException NotFound(string host, SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.HostNotFound or SocketError.NoData => new HostNotFoundException(host, ex),
        SocketError.TryAgain => new HostNotFoundException(host, "temporary failure in name resolution", ex),
        _ => new HostNotFoundException(host, ex.Message, ex),
    };
}
