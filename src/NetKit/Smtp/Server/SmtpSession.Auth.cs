using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>AUTH (RFC 4954).</summary>
internal sealed partial class SmtpSession
{
    private string? _user;

    private bool AuthOffered => false;

    private ValueTask<bool> AuthAsync(string argument)
    {
        _ = argument;
        Error(SmtpReplies.AuthUnavailable);
        return ValueTask.FromResult(true);
    }

    /// <summary>The trace never shows AUTH's initial response.</summary>
    private static string RedactAuth(string line) =>
        line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 2) : line;
}
