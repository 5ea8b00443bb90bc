using NetKit.Transport;

namespace NetKit.Smtp;

/// <summary>
/// Keeps AUTH data out of a client's wire trace: the initial response on the
/// AUTH line, every 334 challenge (SMTP uses 334 for nothing else), and the
/// client's responses (those are written as secret lines).
/// </summary>
internal static class SmtpTraceRedaction
{
    /// <summary>A copy of <paramref name="trace"/> that redacts AUTH data, and still applies the caller's own rule.</summary>
    public static WireTrace? Wrap(WireTrace? trace)
    {
        if (trace is null)
        {
            return null;
        }

        var theirs = trace.Redact;
        var copy = trace.ForConnection(trace.Prefix ?? string.Empty);
        copy.Redact = line => Redact(theirs is null ? line : theirs(line));
        return copy;
    }

    public static string Redact(string line)
    {
        if (line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase))
        {
            return WireTrace.MaskAfterWords(line, 2);
        }

        if (line.StartsWith("334", StringComparison.Ordinal) && line.Length > 4)
        {
            return WireTrace.MaskAfterWords(line, 1);
        }

        return line;
    }
}
