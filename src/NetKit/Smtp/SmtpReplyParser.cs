using NetKit.Transport;

namespace NetKit.Smtp;

/// <summary>
/// Puts reply lines back together into replies: <c>250-</c> continues,
/// <c>250 </c> ends; every line must carry the same code. Enhanced status
/// codes are recognised when the server uses them (their class must match the
/// reply's) and taken off each line's text.
/// </summary>
public sealed class SmtpReplyParser
{
    /// <summary>More lines than this in one reply is an attack or a broken server, not an EHLO.</summary>
    public const int MaxLines = 1000;

    private readonly List<string> _lines = [];
    private int _code;
    private EnhancedStatusCode? _status;

    /// <summary>Takes one line; returns the reply once its last line has come, else null.</summary>
    public SmtpReply? Add(string line)
    {
        if (!NumericReplies.TryParseStart(line, lowestClass: 2, out var code, out var separator))
        {
            throw new SmtpProtocolException($"malformed reply line: \"{Shorten(line)}\"");
        }

        if (_lines.Count == 0)
        {
            _code = code;
        }
        else if (code != _code)
        {
            throw new SmtpProtocolException($"reply lines with different codes: {_code} then {code}");
        }

        var text = line.Length > 4 ? line[4..] : string.Empty;
        var status = StatusOf(text, code);
        if (_lines.Count == 0)
        {
            _status = status;
        }

        if (_status is not null && status == _status)
        {
            text = text.Length > StatusLength(text) ? text[(StatusLength(text) + 1)..] : string.Empty;
        }

        _lines.Add(text);
        if (_lines.Count > MaxLines)
        {
            throw new SmtpProtocolException($"a reply of more than {MaxLines} lines");
        }

        if (separator == '-')
        {
            return null;
        }

        var reply = new SmtpReply(_code, _status, _lines.ToArray());
        _lines.Clear();
        _status = null;
        return reply;
    }

    /// <summary>Reads one whole reply from a connection's line reader.</summary>
    public static Task<SmtpReply> ReadAsync(LineReader reader, CancellationToken cancellationToken = default) =>
        NumericReplies.ReadAsync(reader, new SmtpReplyParser().Add, static problem => new SmtpProtocolException(problem), cancellationToken);

    private static EnhancedStatusCode? StatusOf(string text, int code)
    {
        var end = StatusLength(text);
        return end > 0 && EnhancedStatusCode.TryParse(text.AsSpan(0, end), out var status) && status.Class == code / 100 ? status : null;
    }

    private static int StatusLength(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? text.Length : space;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
