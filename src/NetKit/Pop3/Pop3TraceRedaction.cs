using NetKit.Transport;

namespace NetKit.Pop3;

/// <summary>
/// Keeps secrets out of a POP3 wire trace: the password of PASS, the digest of APOP
/// and the initial response of AUTH. SASL continuation lines are secret as a whole
/// and are marked so by whoever is in the exchange.
/// </summary>
public static class Pop3TraceRedaction
{
    public static string Redact(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var keyword = line.Split(' ', 2)[0];
        return keyword.ToUpperInvariant() switch
        {
            "PASS" => WireTrace.MaskAfterWords(line, 1),
            "APOP" or "AUTH" => WireTrace.MaskAfterWords(line, 2),
            _ => line,
        };
    }
}
