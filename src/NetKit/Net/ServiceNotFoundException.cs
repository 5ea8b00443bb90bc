namespace NetKit.Net;

/// <summary>
/// A service name (or port) is not in the services table for the protocol,
/// e.g. <c>unknown service "smtpx" for tcp</c>.
/// </summary>
public sealed class ServiceNotFoundException : NetKitException
{
    /// <summary>No service is called <paramref name="service"/> for <paramref name="protocol"/>.</summary>
    public ServiceNotFoundException(string service, string protocol)
        : base($"unknown service \"{service}\" for {protocol}")
    {
        Service = service;
        Protocol = protocol;
    }

    private ServiceNotFoundException(int port, string protocol)
        : base($"no service known for port {port}/{protocol}")
    {
        Service = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Protocol = protocol;
    }

    /// <summary>No service is known for <paramref name="port"/> on <paramref name="protocol"/>.</summary>
    public static ServiceNotFoundException ForPort(int port, string protocol) => new(port, protocol);

    /// <summary>The service name (or, from <see cref="ForPort"/>, the port) that was looked up.</summary>
    public string Service { get; }

    /// <summary>The protocol it was looked up for: <c>tcp</c> or <c>udp</c>.</summary>
    public string Protocol { get; }
}
