namespace NetKit.Sasl;

/// <summary>
/// The client's side of the base64 that SMTP AUTH, IMAP AUTHENTICATE and POP3 AUTH carry: the
/// server's challenges decoded, an initial response encoded. (The servers' side is <see cref="SaslResponse"/>.)
/// </summary>
internal static class SaslChallenge
{
    /// <summary>
    /// Decodes a challenge, the text after "334 " or "+ ": an empty one is empty, white space
    /// around or inside it is skipped. False when it is not base64.
    /// </summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SaslResponse.TryDecode(text.Trim(), out bytes);
    }

    /// <summary>
    /// An initial response as it goes on the command line: base64, or "=" for an empty one,
    /// which base64 cannot otherwise write there (RFC 4954 4, RFC 4959 3, RFC 5034 4).
    /// </summary>
    public static string EncodeInitial(byte[] initial) => initial.Length == 0 ? SaslResponse.Empty : Convert.ToBase64String(initial);
}
