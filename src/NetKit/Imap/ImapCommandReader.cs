using System.Buffers.Text;
using NetKit.Transport;

namespace NetKit.Imap;

/// <summary>What <see cref="ImapCommandReader.ReadAsync"/> found.</summary>
public enum ImapReadStatus
{
    /// <summary>A whole command (its literals read in).</summary>
    Command,

    /// <summary>A line over the limit; it was dropped to its end. The tag, if it could be seen, is in the result.</summary>
    LineTooLong,

    /// <summary>A literal over the limit; it was refused (synchronizing) or read and dropped (LITERAL+) with the rest of its command.</summary>
    LiteralTooBig,

    /// <summary>More literals in one command than the limit; the rest of it was dropped.</summary>
    TooManyLiterals,

    /// <summary>A LITERAL+ literal too big even to drop: the connection cannot stay in step and must close.</summary>
    Fatal,

    /// <summary>The client closed the connection (perhaps in the middle of a command).</summary>
    EndOfStream,
}

/// <summary>One read: a command, or what went wrong, with the tag when one was seen.</summary>
public readonly record struct ImapReadResult(ImapReadStatus Status, ImapRawCommand? Command, string? Tag);

/// <summary>
/// Reads whole IMAP commands: a line, and whenever it ends with a literal's announcement, the
/// literal and the next line. A synchronizing literal "{n}" is invited with a continuation ("+ ")
/// that the caller sends; a non-synchronizing one "{n+}" (RFC 7888 LITERAL+) just follows.
/// </summary>
public sealed class ImapCommandReader(LineReader reader, ImapLimits limits)
{
    /// <summary>How much of an overlong line is kept to find its tag in (tags are short).</summary>
    private const int OverlongStartLength = 100;

    public ImapLimits Limits { get; } = limits;

    /// <summary>
    /// Called each time bytes of a literal arrive (read or dropped), so a caller's deadline for the
    /// command can be one of inactivity while a large literal flows in.
    /// </summary>
    public Action? LiteralProgress { get; init; }

    /// <summary>
    /// The tag at the start of an overlong first line, so the client waiting for it gets a tagged
    /// BAD; null when the kept start holds no whole tag (no space after it).
    /// </summary>
    private static string? TagOfStart(ReadOnlySpan<byte> start)
    {
        var end = 0;
        while (end < start.Length && ImapGrammar.IsTagChar(start[end]))
        {
            end++;
        }

        return end > 0 && end < start.Length && start[end] == (byte)' '
            ? System.Text.Encoding.ASCII.GetString(start[..end])
            : null;
    }

    /// <summary>
    /// Reads the next command. <paramref name="invite"/> sends the continuation for a synchronizing
    /// literal; <paramref name="refuse"/> sends the tagged BAD for a synchronizing literal that is too
    /// big, before the client would send it (the command then ends there).
    /// </summary>
    public async ValueTask<ImapReadResult> ReadAsync(
        Func<CancellationToken, ValueTask> invite,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var lines = new List<byte[]>();
        var literals = new List<byte[]>();
        string? tag = null;
        reader.MaxLineLength = Limits.MaxLineLength;
        reader.OverlongStartLength = OverlongStartLength;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            switch (line.Status)
            {
                case LineStatus.EndOfStream:
                    return new ImapReadResult(ImapReadStatus.EndOfStream, null, tag);
                case LineStatus.TooLong:
                    return new ImapReadResult(ImapReadStatus.LineTooLong, null, tag ?? TagOfStart(line.Bytes.Span));
            }

            var bytes = line.Bytes.ToArray();
            lines.Add(bytes);
            tag ??= new ImapRawCommand(lines, literals).TryGetTag();
            if (!TryFindLiteral(bytes, out var size, out var synchronizing))
            {
                return new ImapReadResult(ImapReadStatus.Command, new ImapRawCommand(lines, literals), tag);
            }

            if (literals.Count >= Limits.MaxLiterals)
            {
                return await DropRestAsync(ImapReadStatus.TooManyLiterals, size, synchronizing, tag, cancellationToken);
            }

            if (size > Limits.MaxLiteralSize)
            {
                return await DropRestAsync(ImapReadStatus.LiteralTooBig, size, synchronizing, tag, cancellationToken);
            }

            if (synchronizing)
            {
                await invite(cancellationToken);
            }

            var literal = new byte[size];
            for (var at = 0; at < literal.Length;)
            {
                var n = await reader.ReadAsync(literal.AsMemory(at), cancellationToken);
                if (n == 0)
                {
                    throw new EndOfStreamException($"the connection closed {literal.Length - at} bytes before the end of a literal");
                }

                at += n;
                LiteralProgress?.Invoke();
            }

            literals.Add(literal);
        }
    }

    /// <summary>
    /// A synchronizing literal refused now is never sent: the command ends here. A
    /// non-synchronizing one is on its way and must be read and dropped, with every
    /// line and literal after it up to the command's end.
    /// </summary>
    private async ValueTask<ImapReadResult> DropRestAsync(ImapReadStatus status, long size, bool synchronizing, string? tag, CancellationToken cancellationToken)
    {
        if (synchronizing)
        {
            return new ImapReadResult(status, null, tag);
        }

        while (true)
        {
            if (size > Limits.MaxDiscardedLiteralSize)
            {
                return new ImapReadResult(ImapReadStatus.Fatal, null, tag);
            }

            if (!await SkipAsync(size, cancellationToken))
            {
                return new ImapReadResult(ImapReadStatus.EndOfStream, null, tag);
            }

            var line = await reader.ReadLineAsync(cancellationToken);
            if (line.Status == LineStatus.EndOfStream)
            {
                return new ImapReadResult(ImapReadStatus.EndOfStream, null, tag);
            }

            if (line.Status == LineStatus.TooLong || !TryFindLiteral(line.Bytes.Span, out size, out var sync) || sync)
            {
                // A synchronizing literal after the refusal will never be invited: the client stops there.
                return new ImapReadResult(status, null, tag);
            }
        }
    }

    private async ValueTask<bool> SkipAsync(long size, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(size, 64 * 1024)];
        while (size > 0)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(0, (int)Math.Min(size, buffer.Length)), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            size -= n;
            LiteralProgress?.Invoke();
        }

        return true;
    }

    /// <summary>True when the line ends with "{n}" or "{n+}" (a literal follows the line).</summary>
    public static bool TryFindLiteral(ReadOnlySpan<byte> line, out long size, out bool synchronizing)
    {
        size = 0;
        synchronizing = true;
        if (line.Length < 3 || line[^1] != (byte)'}')
        {
            return false;
        }

        var end = line.Length - 1;
        if (line[end - 1] == (byte)'+')
        {
            synchronizing = false;
            end--;
        }

        var open = line[..end].LastIndexOf((byte)'{');
        var digits = open < 0 ? [] : line[(open + 1)..end];
        if (digits.Length is 0 or > 18 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        return Utf8Parser.TryParse(digits, out size, out var consumed) && consumed == digits.Length;
    }
}
