using System.Text;
using System.Text.Unicode;

namespace NetKit.Transport;

/// <summary>What a call to <see cref="LineReader.ReadLineAsync(CancellationToken)"/> found.</summary>
public enum LineStatus
{
    /// <summary>A whole line (or, when a pause was asked for, what came before the pause).</summary>
    Line,

    /// <summary>A line longer than the limit; its bytes were dropped up to its end and the stream is in step again.</summary>
    TooLong,

    /// <summary>The peer closed. <see cref="LineResult.Bytes"/> holds an unterminated last line, if any.</summary>
    EndOfStream,
}

/// <summary>How a line ended on the wire; a reply can mirror it.</summary>
public enum LineEnding
{
    None,
    Lf,
    CrLf,
}

/// <summary>
/// One line as read: its bytes without the line ending (valid until the next
/// read on the same reader) and how it ended. Decoding is the caller's choice,
/// so a protocol decides what invalid UTF-8 means for it.
/// </summary>
public readonly struct LineResult
{
    public LineResult(LineStatus status, ReadOnlyMemory<byte> bytes, LineEnding ending)
    {
        Status = status;
        Bytes = bytes;
        Ending = ending;
    }

    public LineStatus Status { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    public LineEnding Ending { get; }

    public bool IsLine => Status == LineStatus.Line;

    public bool IsValidUtf8 => Utf8.IsValid(Bytes.Span);

    /// <summary>The text, with invalid bytes as U+FFFD.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>The text, only when the bytes are valid UTF-8.</summary>
    public bool TryGetText(out string text) => Utf8Text.TryDecode(Bytes.Span, out text);

    /// <summary>The bytes that end a line this way on the wire.</summary>
    public static ReadOnlySpan<byte> Terminator(LineEnding ending) => ending switch
    {
        LineEnding.CrLf => "\r\n"u8,
        LineEnding.Lf => "\n"u8,
        _ => [],
    };
}
