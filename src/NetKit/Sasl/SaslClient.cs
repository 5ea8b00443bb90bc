namespace NetKit.Sasl;

/// <summary>Makes client mechanisms by name and picks the strongest one a server offers.</summary>
public static class SaslClient
{
    /// <summary>Strongest first.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"];

    /// <summary>A new exchange for <paramref name="mechanism"/> (case-insensitive); <see cref="SaslException"/> if it is unknown.</summary>
    public static SaslClientMechanism Create(string mechanism, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        return mechanism.ToUpperInvariant() switch
        {
            "SCRAM-SHA-256" => new ScramSha256Client(userName, password),
            "CRAM-MD5" => new CramMd5Client(userName, password),
            "PLAIN" => new PlainClient(userName, password),
            "LOGIN" => new LoginClient(userName, password),
            _ => throw new SaslException($"unknown SASL mechanism \"{mechanism}\" (supported: {string.Join(", ", Supported)})"),
        };
    }

    /// <summary>The strongest mechanism both sides know, or null when there is none.</summary>
    public static SaslClientMechanism? ChooseBest(IEnumerable<string> offered, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(offered);
        var names = new HashSet<string>(offered, StringComparer.OrdinalIgnoreCase);
        var best = Supported.FirstOrDefault(names.Contains);
        return best is null ? null : Create(best, userName, password);
    }
}
