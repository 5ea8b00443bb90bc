using System.Diagnostics.CodeAnalysis;

namespace NetKit.Net;

/// <summary>
/// Service names and ports, as <c>getservbyname</c> and <c>getservbyport</c>
/// give them: <c>smtp</c> is 25/tcp. Reads <c>/etc/services</c> once, on first
/// use, and falls back to a built-in table of the well-known services for names
/// the file lacks (or when there is no file). Names are case-insensitive;
/// the protocol is <c>tcp</c> or <c>udp</c>.
/// </summary>
public static class ServiceNames
{
    /// <summary>Where the services database lives on Unix systems.</summary>
    public const string DefaultPath = "/etc/services";

    private static readonly Lazy<ServiceTable> Table = new(() => ServiceTable.Load(DefaultPath), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The port of service <paramref name="name"/> for <paramref name="protocol"/>.</summary>
    /// <exception cref="ServiceNotFoundException">No such service for that protocol.</exception>
    public static int GetPort(string name, string protocol = "tcp") =>
        TryGetPort(name, protocol, out var port) ? port : throw new ServiceNotFoundException(name, protocol);

    /// <summary>Looks up the port of service <paramref name="name"/> for <paramref name="protocol"/>.</summary>
    public static bool TryGetPort(string name, string protocol, out int port)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(protocol);
        if (Table.Value.TryGetEntry(name, protocol, out var entry))
        {
            port = entry.Port;
            return true;
        }

        port = 0;
        return false;
    }

    /// <summary>The official name of the service on <paramref name="port"/>, or null when none is known.</summary>
    public static string? GetName(int port, string protocol = "tcp") => FindByPort(port, protocol)?.Name;

    /// <summary>
    /// The aliases of service <paramref name="name"/> (which may itself be an
    /// alias), e.g. <c>www</c> for <c>http</c>; empty when the service is unknown.
    /// </summary>
    public static IReadOnlyList<string> GetAliases(string name, string protocol = "tcp") =>
        FindByName(name, protocol)?.Aliases ?? [];

    /// <summary>The whole entry for a service name or alias, or null when it is unknown.</summary>
    public static ServiceEntry? FindByName(string name, string protocol = "tcp")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(protocol);
        return Table.Value.TryGetEntry(name, protocol, out var entry) ? entry : null;
    }

    /// <summary>The whole entry for a port, or null when no service is known there.</summary>
    public static ServiceEntry? FindByPort(int port, string protocol = "tcp")
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return Table.Value.GetEntry(port, protocol);
    }

    /// <summary>"tcp" for stream transports, "udp" for datagram ones: the protocol a service name is looked up under.</summary>
    internal static string ProtocolOf(SocketTransport transport) =>
        transport is SocketTransport.Udp or SocketTransport.UnixDatagram ? "udp" : "tcp";

    internal static bool IsKnownProtocol([NotNullWhen(true)] string? protocol) =>
        string.Equals(protocol, "tcp", StringComparison.OrdinalIgnoreCase) || string.Equals(protocol, "udp", StringComparison.OrdinalIgnoreCase);
}
