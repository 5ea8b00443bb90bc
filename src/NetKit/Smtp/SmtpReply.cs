using System.Globalization;
using NetKit.Transport;

namespace NetKit.Smtp;

/// <summary>
/// One SMTP reply (RFC 5321 4.2): a three-digit code, an optional enhanced
/// status code, and one or more lines of text. Client and server share it:
/// the server formats it onto the wire, the client parses it back.
/// </summary>
public sealed record SmtpReply
{
    public SmtpReply(int code, EnhancedStatusCode? status, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        NumericReplies.Validate(code, 200, lines);
        Code = code;
        Status = status;
        Lines = lines;
    }

    public SmtpReply(int code, string status, params string[] lines)
        : this(code, EnhancedStatusCode.TryParse(status, out var s) ? s : throw new FormatException($"not an enhanced status code: \"{status}\""), lines)
    {
    }

    public int Code { get; }

    public EnhancedStatusCode? Status { get; }

    /// <summary>The text of each line, without the code and the enhanced status.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>2xx: done.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>3xx: go on (354 after DATA, 334 during AUTH).</summary>
    public bool IsIntermediate => Code is >= 300 and < 400;

    /// <summary>4xx: not now; the same command may work later.</summary>
    public bool IsTransientFailure => Code is >= 400 and < 500;

    /// <summary>5xx: no.</summary>
    public bool IsPermanentFailure => Code >= 500;

    /// <summary>All the text, lines joined with a space: for messages to people.</summary>
    public string Text => string.Join(' ', Lines);

    /// <summary>The reply as it goes on the wire, without line endings: <c>250-first</c> … <c>250 last</c>.</summary>
    public IEnumerable<string> ToWireLines()
    {
        var prefix = Status is { } status ? $"{status} " : string.Empty;
        for (var i = 0; i < Lines.Count; i++)
        {
            var separator = i == Lines.Count - 1 ? ' ' : '-';
            yield return string.Create(CultureInfo.InvariantCulture, $"{Code}{separator}{prefix}{Lines[i]}");
        }
    }

    public override string ToString() => string.Join("\r\n", ToWireLines());
}
