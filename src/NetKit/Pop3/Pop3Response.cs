namespace NetKit.Pop3;

/// <summary>
/// A status line: <c>+OK text</c> or <c>-ERR [CODE] text</c> (RFC 1939 section 3),
/// with the RFC 2449 section 8 response code when there is one. Parsed by the client,
/// formatted by the server: one grammar for both ends.
/// </summary>
public sealed record Pop3Response(bool IsOk, string? Code, string Text)
{
    public static Pop3Response Ok(string text = "") => new(true, null, text);

    public static Pop3Response Err(string text, string? code = null) => new(false, code, text);

    /// <summary>The line as sent, without CRLF.</summary>
    public override string ToString()
    {
        var status = IsOk ? "+OK" : "-ERR";
        var code = Code is null ? string.Empty : $"[{Code}]";
        var parts = new[] { status, code, Text }.Where(p => p.Length > 0);
        return string.Join(' ', parts);
    }

    /// <summary>
    /// Parses a status line; false for anything that is neither +OK nor -ERR. The status
    /// is case-sensitive in RFC 1939, but some servers write "+ok": accepted, as poplib does.
    /// </summary>
    public static bool TryParse(string line, out Pop3Response response)
    {
        ArgumentNullException.ThrowIfNull(line);
        response = Ok();
        bool ok;
        string rest;
        if (line.StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
        {
            ok = true;
            rest = line[3..];
        }
        else if (line.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase))
        {
            ok = false;
            rest = line[4..];
        }
        else
        {
            return false;
        }

        if (rest.Length > 0 && rest[0] != ' ')
        {
            return false; // "+OKAY": not a status.
        }

        rest = rest.TrimStart(' ');
        string? code = null;
        if (rest.StartsWith('[') && rest.IndexOf(']', StringComparison.Ordinal) is var close and > 1)
        {
            code = rest[1..close];
            rest = rest[(close + 1)..].TrimStart(' ');
        }

        response = new Pop3Response(ok, code, rest);
        return true;
    }
}

/// <summary>The RFC 2449 / RFC 3206 response codes this code uses.</summary>
public static class Pop3ResponseCodes
{
    /// <summary>Another session holds the maildrop (RFC 2449 8.1.1).</summary>
    public const string InUse = "IN-USE";

    /// <summary>Logged in too soon after the last time (RFC 2449 8.1.2).</summary>
    public const string LoginDelay = "LOGIN-DELAY";

    /// <summary>The credentials were wrong, as opposed to a system fault (RFC 3206 4).</summary>
    public const string Auth = "AUTH";

    /// <summary>A passing fault on the server: try later (RFC 3206 5).</summary>
    public const string SysTemp = "SYS/TEMP";

    /// <summary>A lasting fault on the server (RFC 3206 5).</summary>
    public const string SysPerm = "SYS/PERM";
}
