using System.Net;

namespace NetKit.Net;

/// <summary>
/// What a reverse look-up gives, as Python's <c>gethostbyaddr</c> does: the
/// host's primary name, its other names, and its addresses.
/// </summary>
public sealed record HostEntry(string Name, IReadOnlyList<string> Aliases, IReadOnlyList<IPAddress> Addresses);
