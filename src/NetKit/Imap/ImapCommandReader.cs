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
    public ImapLimits Limits { get; } = limits;

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
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            switch (line.Status)
            {
                case LineStatus.EndOfStream:
                    return new ImapReadResult(ImapReadStatus.EndOfStream, null, tag);
                case LineStatus.TooLong:
                    return new ImapReadResult(ImapReadStatus.LineTooLong, null, tag);
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
            await reader.ReadExactlyAsync(literal, cancellationToken);
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
