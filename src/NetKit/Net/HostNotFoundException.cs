namespace NetKit.Net;

/// <summary>
/// A host name (or address, for a reverse look-up) did not resolve,
/// e.g. <c>host not found: "nosuch.invalid"</c>.
/// </summary>
public sealed class HostNotFoundException : NetKitException
{
    public HostNotFoundException(string host, Exception? innerException = null)
        : this(host, null, innerException)
    {
    }

    /// <param name="host">The name or address that was looked up.</param>
    /// <param name="detail">An optional explanation appended in parentheses.</param>
    /// <param name="innerException">The resolver's own error, if any.</param>
    public HostNotFoundException(string host, string? detail, Exception? innerException)
        : base(detail is null ? $"host not found: \"{host}\"" : $"host not found: \"{host}\" ({detail})", innerException)
    {
        Host = host;
    }

    /// <summary>The name or address that was looked up.</summary>
    public string Host { get; }
}
