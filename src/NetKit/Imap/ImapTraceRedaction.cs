using NetKit.Transport;

namespace NetKit.Imap;

/// <summary>Keeps passwords out of the wire trace: LOGIN's password and AUTHENTICATE's initial response.</summary>
public static class ImapTraceRedaction
{
    public static string Redact(string line)
    {
        var words = line.Split(' ', 4);
        if (words.Length >= 3 && words[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
        {
            return WireTrace.MaskAfterWords(line, 3);
        }

        if (words.Length >= 4 && words[1].Equals("AUTHENTICATE", StringComparison.OrdinalIgnoreCase))
        {
            return WireTrace.MaskAfterWords(line, 3);
        }

        return line;
    }
}
