using NetKit.Transport;

namespace NetKit.Ftp;

/// <summary>
/// Puts reply lines back together (RFC 959 4.2): a first line <c>123-text</c>
/// opens a multi-line reply that ends only at a line starting <c>123 </c> (the
/// same code and a space); lines in between are taken as they are.
/// </summary>
public sealed class FtpReplyParser
{
    /// <summary>More lines than this in one reply is an attack or a broken server (a STAT listing is bounded by the server).</summary>
    public const int MaxLines = 100_000;

    private readonly List<string> _lines = [];
    private int _code;

    /// <summary>Takes one line; returns the reply once its last line has come, else null.</summary>
    public FtpReply? Add(string line)
    {
        if (_lines.Count == 0)
        {
            if (!NumericReplies.TryParseStart(line, 1, out _code, out var separator))
            {
                throw new FtpProtocolException($"malformed reply line: \"{Shorten(line)}\"");
            }

            _lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            return separator == '-' ? null : Finish();
        }

        var coded = NumericReplies.TryParseStart(line, 1, out var code, out var mark) && code == _code;
        if (coded && mark == ' ')
        {
            _lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            return Finish();
        }

        // A middle line: "123-more" loses its code, anything else (" UTF8") stays as it is.
        _lines.Add(coded ? line[4..] : line);
        if (_lines.Count > MaxLines)
        {
            throw new FtpProtocolException($"a reply of more than {MaxLines} lines");
        }

        return null;
    }

    /// <summary>Reads one whole reply from a connection's line reader.</summary>
    public static Task<FtpReply> ReadAsync(LineReader reader, CancellationToken cancellationToken = default)
    {
        var parser = new FtpReplyParser();
        return NumericReplies.ReadAsync(reader, parser.Add, message => new FtpProtocolException(message), cancellationToken);
    }

    private FtpReply Finish()
    {
        var reply = new FtpReply(_code, _lines.ToArray());
        _lines.Clear();
        return reply;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
