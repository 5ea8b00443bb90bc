using System.Globalization;
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
            if (!StartsWithCode(line) || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw new FtpProtocolException($"malformed reply line: \"{Shorten(line)}\"");
            }

            _code = int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
            _lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            return line.Length > 3 && line[3] == '-' ? null : Finish();
        }

        if (StartsWithCode(line) && (line.Length == 3 || line[3] == ' ')
            && int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture) == _code)
        {
            _lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            return Finish();
        }

        // A middle line: "123-more" loses its code, anything else (" UTF8") stays as it is.
        _lines.Add(StartsWithCode(line) && line.Length > 3 && line[3] == '-' && line.StartsWith(_code.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            ? line[4..]
            : line);
        if (_lines.Count > MaxLines)
        {
            throw new FtpProtocolException($"a reply of more than {MaxLines} lines");
        }

        return null;
    }

    /// <summary>Reads one whole reply from a connection's line reader.</summary>
    public static async Task<FtpReply> ReadAsync(LineReader reader, CancellationToken cancellationToken = default)
    {
        var parser = new FtpReplyParser();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            switch (line.Status)
            {
                case LineStatus.TooLong:
                    throw new FtpProtocolException($"a reply line longer than {reader.MaxLineLength} bytes");
                case LineStatus.EndOfStream:
                    throw new FtpProtocolException("the server closed the connection");
            }

            if (parser.Add(line.Text) is { } reply)
            {
                return reply;
            }
        }
    }

    private FtpReply Finish()
    {
        var reply = new FtpReply(_code, _lines.ToArray());
        _lines.Clear();
        return reply;
    }

    private static bool StartsWithCode(string line) =>
        line.Length >= 3 && line[0] is >= '1' and <= '5' && char.IsAsciiDigit(line[1]) && char.IsAsciiDigit(line[2]);

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
