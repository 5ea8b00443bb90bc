namespace NetKit.Sasl;

/// <summary>
/// A client's SASL response as SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH and NNTP AUTHINFO SASL
/// carry it: one line of base64. Each server keeps its own reply for a cancel ("*") and for
/// a response that is not base64; this is the one decoder they share.
/// </summary>
internal static class SaslResponse
{
    /// <summary>The line a client sends to cancel the exchange (RFC 4954, 3501, 5034, 4643).</summary>
    public const string Cancel = "*";

    /// <summary>The empty initial response, which base64 cannot otherwise write on a command line.</summary>
    public const string Empty = "=";

    /// <summary>
    /// Decodes <paramref name="text"/>: an empty line is the empty response; "=" is the empty
    /// response only when <paramref name="equalsIsEmpty"/> (an initial response, or NNTP's
    /// continuation lines); white space inside is skipped as .NET's decoder does unless
    /// <paramref name="rejectWhiteSpace"/>. False when it is not base64 (a cancel included).
    /// </summary>
    public static bool TryDecode(string text, out byte[] bytes, bool equalsIsEmpty = false, bool rejectWhiteSpace = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = [];
        if (text.Length == 0 || (equalsIsEmpty && text == Empty))
        {
            return true;
        }

        if (rejectWhiteSpace && text.AsSpan().ContainsAny(" \t\r\n"))
        {
            return false;
        }

        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var length))
        {
            return false;
        }

        bytes = buffer[..length];
        return true;
    }
}
