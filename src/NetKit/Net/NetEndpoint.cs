using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetKit.Net;

/// <summary>
/// Where to connect or listen: a transport plus a host and port, or a Unix
/// socket path. Parsed from the forms people type (<c>localhost:smtp</c>,
/// <c>[::1]:7</c>, <c>9999</c>, <c>udp://host:echo</c>, <c>unix:/tmp/s.sock</c>)
/// and printed back as a URI-like string that parses to the same value.
/// Service names are resolved when parsing; host names only when resolving.
/// </summary>
/// <param name="Transport">The kind of socket.</param>
/// <param name="Host">The host name or IP literal (no brackets) for TCP and UDP; null for Unix sockets.</param>
/// <param name="Port">The port, 0 to 65535 (0: any free port); 0 for Unix sockets.</param>
/// <param name="UnixPath">The socket path for Unix sockets (<c>@name</c> for an abstract one); null for TCP and UDP.</param>
public sealed record NetEndpoint(SocketTransport Transport, string? Host, int Port, string? UnixPath)
{
    private const string KnownSchemes = "tcp, udp, unix, unixgram";

    /// <summary>The port, 0 to 65535.</summary>
    public int Port
    {
        get;
        init => field = CheckPort(value);
    } = CheckPort(Port);

    /// <summary>True for Unix domain sockets, stream or datagram.</summary>
    public bool IsUnix => Transport is SocketTransport.UnixStream or SocketTransport.UnixDatagram;

    /// <summary>True for datagram sockets, UDP or Unix.</summary>
    public bool IsDatagram => Transport is SocketTransport.Udp or SocketTransport.UnixDatagram;

    /// <summary>A TCP endpoint.</summary>
    public static NetEndpoint Tcp(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return new(SocketTransport.Tcp, host, port, null);
    }

    /// <summary>A UDP endpoint.</summary>
    public static NetEndpoint Udp(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return new(SocketTransport.Udp, host, port, null);
    }

    /// <summary>A Unix domain socket; <c>@name</c> is an abstract socket (Linux).</summary>
    public static NetEndpoint Unix(string path, bool datagram = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(datagram ? SocketTransport.UnixDatagram : SocketTransport.UnixStream, null, 0, path);
    }

    /// <summary>
    /// The same place with another transport of the same family: TCP and UDP
    /// keep host and port, Unix stream and datagram keep the path.
    /// </summary>
    /// <exception cref="ArgumentException">Changing between an IP transport and a Unix one.</exception>
    public NetEndpoint WithTransport(SocketTransport t)
    {
        if (!Enum.IsDefined(t))
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "unknown transport");
        }

        var targetIsUnix = t is SocketTransport.UnixStream or SocketTransport.UnixDatagram;
        if (targetIsUnix != IsUnix)
        {
            throw new ArgumentException($"cannot change {SchemeOf(Transport)} endpoint {this} to {SchemeOf(t)}: it has no {(targetIsUnix ? "path" : "host and port")}", nameof(t));
        }

        return this with { Transport = t };
    }

    /// <summary>
    /// The socket address to bind or connect to: a <see cref="UnixDomainSocketEndPoint"/>
    /// for Unix sockets; otherwise an <see cref="IPEndPoint"/> on the host's
    /// first address (an IP literal is used as it is, without the resolver).
    /// </summary>
    /// <exception cref="HostNotFoundException">The host name does not resolve.</exception>
    public async Task<EndPoint> ResolveAsync(CancellationToken cancellationToken = default)
    {
        var all = await ResolveAllAsync(cancellationToken);
        return all[0];
    }

    /// <summary>Every socket address the endpoint names: one per address of its host (both families), or the one Unix address.</summary>
    /// <exception cref="HostNotFoundException">The host name does not resolve.</exception>
    public async Task<IReadOnlyList<EndPoint>> ResolveAllAsync(CancellationToken cancellationToken = default)
    {
        if (IsUnix)
        {
            if (string.IsNullOrEmpty(UnixPath))
            {
                throw new InvalidOperationException($"{SchemeOf(Transport)} endpoint has no path");
            }

            return [new UnixDomainSocketEndPoint(UnixPath.StartsWith('@') ? "\0" + UnixPath[1..] : UnixPath)];
        }

        if (string.IsNullOrEmpty(Host))
        {
            throw new InvalidOperationException($"{SchemeOf(Transport)} endpoint has no host");
        }

        var addresses = await HostLookup.GetAddressesAsync(Host, cancellationToken);
        return addresses.Select(a => (EndPoint)new IPEndPoint(a, Port)).ToArray();
    }

    /// <summary><c>tcp://127.0.0.1:9999</c>, <c>udp://[::1]:7</c>, <c>unix:/tmp/e.sock</c>, <c>unixgram:/tmp/d.sock</c>.</summary>
    public override string ToString()
    {
        if (IsUnix)
        {
            return $"{SchemeOf(Transport)}:{UnixPath}";
        }

        var host = Host is not null && Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return string.Create(CultureInfo.InvariantCulture, $"{SchemeOf(Transport)}://{host}:{Port}");
    }

    /// <summary>
    /// Parses an endpoint: <c>host:port</c>, <c>[v6]:port</c>, a bare port or
    /// service name, a bare host (when <paramref name="defaultPort"/> is given),
    /// with an optional scheme <c>tcp://</c>, <c>udp://</c>, <c>unix:</c> or <c>unixgram:</c>.
    /// The port may be a number or a service name for the transport's protocol.
    /// </summary>
    /// <param name="text">What the user typed.</param>
    /// <param name="defaultTransport">The transport when the text has no scheme; with Udp, <c>unix:</c> means a datagram socket.</param>
    /// <param name="defaultHost">The host when the text gives only a port (or <c>:port</c>).</param>
    /// <param name="defaultPort">The port when the text gives only a host; without it a port is required.</param>
    /// <exception cref="EndpointFormatException">The text is not well formed.</exception>
    /// <exception cref="ServiceNotFoundException">The port is a service name that is not known.</exception>
    public static NetEndpoint Parse(string text, SocketTransport defaultTransport = SocketTransport.Tcp, string defaultHost = "127.0.0.1", int? defaultPort = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(defaultHost);
        if (defaultPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultPort), defaultPort, "a port is 0 to 65535");
        }

        var s = text.Trim();
        if (s.Length == 0)
        {
            throw new EndpointFormatException(text, "empty");
        }

        var (transport, rest) = SplitScheme(text, s, defaultTransport);
        if (transport is SocketTransport.UnixStream or SocketTransport.UnixDatagram)
        {
            return new NetEndpoint(transport, null, 0, ParseUnixPath(text, rest));
        }

        var protocol = ServiceNames.ProtocolOf(transport);
        var (host, port) = ParseHostPort(text, rest, protocol, defaultHost, defaultPort);
        return new NetEndpoint(transport, host, port, null);
    }

    /// <summary>
    /// Like <see cref="Parse"/>, but returns false instead of throwing for bad
    /// syntax or an unknown service name.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out NetEndpoint? endpoint, SocketTransport defaultTransport = SocketTransport.Tcp, string defaultHost = "127.0.0.1", int? defaultPort = null)
    {
        try
        {
            endpoint = Parse(text, defaultTransport, defaultHost, defaultPort);
            return true;
        }
        catch (Exception ex) when (ex is EndpointFormatException or ServiceNotFoundException or ArgumentException)
        {
            endpoint = null;
            return false;
        }
    }

    private static string SchemeOf(SocketTransport transport) => transport switch
    {
        SocketTransport.Tcp => "tcp",
        SocketTransport.Udp => "udp",
        SocketTransport.UnixStream => "unix",
        SocketTransport.UnixDatagram => "unixgram",
        _ => transport.ToString().ToLowerInvariant(),
    };

    private static int CheckPort(int port) =>
        port is >= 0 and <= 65535 ? port : throw new ArgumentOutOfRangeException(nameof(Port), port, "a port is 0 to 65535");

    /// <summary>Finds the scheme, if any, and returns the transport it names and the text after it.</summary>
    private static (SocketTransport Transport, string Remainder) SplitScheme(string text, string s, SocketTransport defaultTransport)
    {
        var unixDefault = defaultTransport is SocketTransport.Udp or SocketTransport.UnixDatagram
            ? SocketTransport.UnixDatagram
            : SocketTransport.UnixStream;

        if (s.StartsWith("unixgram:", StringComparison.OrdinalIgnoreCase))
        {
            return (SocketTransport.UnixDatagram, s["unixgram:".Length..]);
        }

        if (s.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return (unixDefault, s["unix:".Length..]);
        }

        var sep = s.IndexOf("://", StringComparison.Ordinal);
        if (sep >= 0)
        {
            var scheme = s[..sep];
            var rest = s[(sep + 3)..];
            return scheme.ToLowerInvariant() switch
            {
                "tcp" => (SocketTransport.Tcp, rest),
                "udp" => (SocketTransport.Udp, rest),
                _ => throw new EndpointFormatException(text, $"unknown scheme \"{scheme}\" (known: {KnownSchemes})"),
            };
        }

        // No scheme: a Unix default transport takes the text as a path.
        return (defaultTransport, s);
    }

    private static string ParseUnixPath(string text, string rest)
    {
        // unix:///tmp/x is unix:/tmp/x written as a URI.
        if (rest.StartsWith("///", StringComparison.Ordinal))
        {
            rest = rest[2..];
        }

        if (rest.Length == 0)
        {
            throw new EndpointFormatException(text, "missing socket path");
        }

        if (rest == "@")
        {
            throw new EndpointFormatException(text, "missing abstract socket name after '@'");
        }

        if (rest.Contains('\0', StringComparison.Ordinal))
        {
            throw new EndpointFormatException(text, "socket path contains a NUL character");
        }

        return rest;
    }

    private static (string Host, int Port) ParseHostPort(string text, string s, string protocol, string defaultHost, int? defaultPort)
    {
        // A trailing slash, as in a URL (tcp://host:25/), is harmless.
        if (s.EndsWith('/'))
        {
            s = s[..^1];
        }

        if (s.Length == 0)
        {
            throw new EndpointFormatException(text, "missing host and port");
        }

        if (s.Contains('/', StringComparison.Ordinal))
        {
            throw new EndpointFormatException(text, "unexpected '/' (a path belongs to unix: endpoints)");
        }

        if (s[0] == '[')
        {
            return ParseBracketed(text, s, protocol, defaultPort);
        }

        if (s.Contains(']', StringComparison.Ordinal))
        {
            throw new EndpointFormatException(text, "']' without '['");
        }

        var firstColon = s.IndexOf(':', StringComparison.Ordinal);
        var lastColon = s.LastIndexOf(':');
        if (firstColon != lastColon)
        {
            // Several colons and no brackets: only a bare IPv6 address, and only when the port can be defaulted.
            if (IPAddress.TryParse(s, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return defaultPort is int p
                    ? (s, p)
                    : throw new EndpointFormatException(text, $"an IPv6 address with a port needs brackets, as in \"[{s}]:port\"");
            }

            throw new EndpointFormatException(text, "too many ':' (put an IPv6 address in brackets, as in \"[::1]:25\")");
        }

        if (firstColon >= 0)
        {
            var host = s[..firstColon];
            var portText = s[(firstColon + 1)..];
            if (portText.Length == 0)
            {
                throw new EndpointFormatException(text, "missing port");
            }

            return (host.Length == 0 ? defaultHost : CheckHost(text, host), ParsePort(text, portText, protocol));
        }

        // One word: a port number, a service name, or (with a default port) a host.
        if (TryParseNumber(text, s, out var number))
        {
            return (defaultHost, number);
        }

        if (ServiceNames.TryGetPort(s, protocol, out var servicePort))
        {
            return (defaultHost, servicePort);
        }

        if (defaultPort is int port)
        {
            return (CheckHost(text, s), port);
        }

        // A dotted name or an IP literal is plainly a host, not a misspelt service.
        if (s.Contains('.', StringComparison.Ordinal) || IPAddress.TryParse(s, out _))
        {
            throw new EndpointFormatException(text, "missing port");
        }

        throw new ServiceNotFoundException(s, protocol);
    }

    private static (string Host, int Port) ParseBracketed(string text, string s, string protocol, int? defaultPort)
    {
        var close = s.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            throw new EndpointFormatException(text, "missing ']'");
        }

        var host = s[1..close];
        if (host.Length == 0)
        {
            throw new EndpointFormatException(text, "empty address in brackets");
        }

        if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new EndpointFormatException(text, $"\"{host}\" in brackets is not an IPv6 address");
        }

        var after = s[(close + 1)..];
        if (after.Length == 0)
        {
            return defaultPort is int p ? (host, p) : throw new EndpointFormatException(text, "missing port");
        }

        if (after[0] != ':')
        {
            throw new EndpointFormatException(text, $"unexpected \"{after}\" after ']'");
        }

        if (after.Length == 1)
        {
            throw new EndpointFormatException(text, "missing port");
        }

        return (host, ParsePort(text, after[1..], protocol));
    }

    private static int ParsePort(string text, string portText, string protocol)
    {
        if (TryParseNumber(text, portText, out var port))
        {
            return port;
        }

        return ServiceNames.TryGetPort(portText, protocol, out port)
            ? port
            : throw new ServiceNotFoundException(portText, protocol);
    }

    /// <summary>True when <paramref name="s"/> is a number; throws when it is a number but not a port.</summary>
    private static bool TryParseNumber(string text, string s, out int port)
    {
        port = 0;
        var unsigned = s.AsSpan().TrimStart("+-");
        if (unsigned.Length == 0 || unsigned.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        if (unsigned.Length != s.Length
            || !int.TryParse(unsigned, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port > 65535)
        {
            throw new EndpointFormatException(text, $"port {s} out of range (0-65535)");
        }

        return true;
    }

    private static string CheckHost(string text, string host)
    {
        foreach (var c in host)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '[' or ']' or '@' or '/' or '?' or '#' or '\\')
            {
                throw new EndpointFormatException(text, $"bad host name \"{host}\"");
            }
        }

        return host;
    }
}
