using System.Globalization;

namespace NetKit.Transport;

/// <summary>
/// What the reply formats of SMTP (RFC 5321 4.2) and FTP (RFC 959 4.2) share:
/// a line that starts with a three-digit code and then '-' (more lines follow)
/// or ' ' (the last line), text lines without line breaks, and reading lines
/// from a <see cref="LineReader"/> until a protocol's parser has a whole reply.
/// Each protocol keeps its own rules for the lines in between (FTP lets them
/// carry no code; SMTP has enhanced status codes).
/// </summary>
public static class NumericReplies
{
    /// <summary>
    /// Reads a line's code and separator: <c>250-</c> gives 250 and '-', <c>250 x</c>
    /// and <c>250</c> give 250 and ' '. False when the line does not start with a
    /// code from <paramref name="lowestClass"/>xx to 5xx followed by '-', ' ' or nothing.
    /// </summary>
    public static bool TryParseStart(string line, int lowestClass, out int code, out char separator)
    {
        code = 0;
        separator = ' ';
        if (line.Length < 3 || line[0] < (char)('0' + lowestClass) || line[0] > '5' || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2]))
        {
            return false;
        }

        if (line.Length > 3 && line[3] is not (' ' or '-'))
        {
            return false;
        }

        code = int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        separator = line.Length > 3 ? line[3] : ' ';
        return true;
    }

    /// <summary>Checks a reply before it is built: a code in range and at least one line, none with a line break.</summary>
    public static void Validate(int code, int lowestCode, IReadOnlyList<string> lines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, lowestCode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 599);
        if (lines.Count == 0)
        {
            throw new ArgumentException("A reply has at least one line.", nameof(lines));
        }

        if (lines.Any(l => l.Contains('\r') || l.Contains('\n')))
        {
            throw new ArgumentException("Reply lines cannot contain line breaks.", nameof(lines));
        }
    }

    /// <summary>
    /// Feeds lines to <paramref name="add"/> until it returns a reply. An overlong
    /// line or the end of the stream is the exception <paramref name="broken"/> makes
    /// from a description (the protocol's own "connection broke" type).
    /// </summary>
    public static async Task<TReply> ReadAsync<TReply>(LineReader reader, Func<string, TReply?> add, Func<string, Exception> broken, CancellationToken cancellationToken)
        where TReply : class
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            switch (line.Status)
            {
                case LineStatus.TooLong:
                    throw broken($"a reply line longer than {reader.MaxLineLength} bytes");
                case LineStatus.EndOfStream:
                    throw broken("the server closed the connection");
            }

            // LineReader ends lines at LF only: a CR left inside is a bare CR, which no reply line may hold.
            if (line.Bytes.Span.Contains((byte)'\r'))
            {
                throw broken("a reply line holds a bare CR");
            }

            if (add(line.Text) is { } reply)
            {
                return reply;
            }
        }
    }
}
