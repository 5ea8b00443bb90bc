using System.Globalization;
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
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2]) || line[0] is < '2' or > '5')
        {
            throw new SmtpProtocolException($"malformed reply line: \"{Shorten(line)}\"");
        }

        if (line.Length > 3 && line[3] is not (' ' or '-'))
        {
            throw new SmtpProtocolException($"malformed reply line: \"{Shorten(line)}\"");
        }

        var code = int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
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

        var last = line.Length == 3 || line[3] == ' ';
        if (!last)
        {
            return null;
        }

        var reply = new SmtpReply(_code, _status, _lines.ToArray());
        _lines.Clear();
        _status = null;
        return reply;
    }

    /// <summary>Reads one whole reply from a connection's line reader.</summary>
    public static async Task<SmtpReply> ReadAsync(LineReader reader, CancellationToken cancellationToken = default)
    {
        var parser = new SmtpReplyParser();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            switch (line.Status)
            {
                case LineStatus.TooLong:
                    throw new SmtpProtocolException($"a reply line longer than {reader.MaxLineLength} bytes");
                case LineStatus.EndOfStream:
                    throw new SmtpProtocolException("the server closed the connection");
            }

            // LineReader ends lines at LF only: a CR left inside is a bare CR, which SmtpReply refuses.
            if (line.Bytes.Span.Contains((byte)'\r'))
            {
                throw new SmtpProtocolException("a reply line holds a bare CR");
            }

            if (parser.Add(line.Text) is { } reply)
            {
                return reply;
            }
        }
    }

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
