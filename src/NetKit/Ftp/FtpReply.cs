using System.Globalization;
using NetKit.Transport;

namespace NetKit.Ftp;

/// <summary>
/// One FTP reply (RFC 959 4.2): a three-digit code and one or more lines of
/// text. Client and server share it: the server formats it onto the wire, the
/// client parses it back with <see cref="FtpReplyParser"/>.
/// </summary>
/// <remarks>
/// Not the SMTP reply type: an FTP multi-line reply may carry middle lines
/// without the code (a directory listing in STAT, FEAT's " UTF8"), and it has
/// no enhanced status codes, so the two share only <see cref="NumericReplies"/>
/// (the "three digits then '-' or ' '" shape, validation, the read loop).
/// </remarks>
public sealed record FtpReply
{
    public FtpReply(int code, params IReadOnlyList<string> lines)
    {
        NumericReplies.Validate(code, 100, lines);
        Code = code;
        Lines = lines;
    }

    public int Code { get; }

    /// <summary>The text of each line, without the code.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>1xx: started; another reply follows.</summary>
    public bool IsPreliminary => Code is >= 100 and < 200;

    /// <summary>2xx: done.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>3xx: go on (331 after USER, 350 after RNFR or REST).</summary>
    public bool IsIntermediate => Code is >= 300 and < 400;

    /// <summary>4xx or 5xx: the server said no.</summary>
    public bool IsFailure => Code >= 400;

    /// <summary>The first line's text: what 227, 229, 213 and 257 carry their data in.</summary>
    public string Text => Lines[0];

    /// <summary>
    /// The reply as it goes on the wire, without line endings: <c>211-first</c>,
    /// middle lines as they are (indented by a space when they would otherwise
    /// look like a last line), <c>211 last</c>.
    /// </summary>
    public IEnumerable<string> ToWireLines()
    {
        if (Lines.Count == 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{Code} {Lines[0]}");
            yield break;
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"{Code}-{Lines[0]}");
        for (var i = 1; i < Lines.Count - 1; i++)
        {
            var line = Lines[i];
            // RFC 959: a middle line that starts with digits must not be mistaken for the end.
            yield return line.Length > 0 && char.IsAsciiDigit(line[0]) ? " " + line : line;
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"{Code} {Lines[^1]}");
    }

    public override string ToString() => string.Join("\r\n", ToWireLines());
}
