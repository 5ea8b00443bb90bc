using System.Buffers;
using NetKit.Transport;

namespace NetKit.Smtp;

/// <summary>How reading a message after DATA ended.</summary>
public enum SmtpDataOutcome
{
    /// <summary>The message ended with <c>CRLF . CRLF</c> and is whole.</summary>
    Complete,

    /// <summary>Bigger than the limit: read to its end, kept nothing past the limit (552 5.3.4).</summary>
    TooBig,

    /// <summary>A line ended in a bare LF (500 5.5.2 / the SMTP smuggling defence): read to the end, not to be accepted.</summary>
    BareLineFeed,

    /// <summary>A line longer than the reader allows (500 5.5.6): read to the end, not to be accepted.</summary>
    LineTooLong,

    /// <summary>The client left before the lone dot: nothing may be stored.</summary>
    ConnectionClosed,

    /// <summary>A CR not followed by LF (554 5.6.11, as a bare LF: <c>\r.\r</c> smuggling): read to the end, not to be accepted.</summary>
    BareCarriageReturn,

    /// <summary>A NUL byte in a body that is not BINARYMIME (554 5.6.0): read to the end, not to be accepted.</summary>
    Nul,
}

/// <summary>
/// The receiving side of DATA: lines up to the lone dot, one leading dot taken
/// off each line, CRLF restored. Only <c>CRLF . CRLF</c> ends a message: a dot
/// line ended by a bare LF does not, nor does a dot line that follows a line
/// ended by a bare LF (<c>LF . CRLF</c>), so a message cannot smuggle a second
/// one past a server that reads line endings more loosely than its neighbour;
/// and any bare LF, bare CR or NUL (<see cref="SmtpBodyScanner"/>) makes the message unacceptable. After a fault the rest is
/// still read to its end, so the conversation stays in step.
/// </summary>
public static class SmtpDataReader
{
    public static Task<SmtpDataOutcome> ReadAsync(LineReader reader, IBufferWriter<byte> message, long maxBytes, CancellationToken cancellationToken = default) =>
        ReadAsync(reader, message, maxBytes, onLineRead: null, cancellationToken);

    /// <summary>
    /// As the other overload; <paramref name="onLineRead"/> is told the size of every
    /// line read (kept or not), so a caller can treat the deadline as one of inactivity.
    /// </summary>
    public static async Task<SmtpDataOutcome> ReadAsync(LineReader reader, IBufferWriter<byte> message, long maxBytes, Action<int>? onLineRead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var scanner = new SmtpBodyScanner();
        var outcome = SmtpDataOutcome.Complete;
        long size = 0;
        var afterCrLf = true; // DATA and BDAT's command line ended in CRLF.
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            var startsAfterCrLf = afterCrLf;
            afterCrLf = line.Ending == LineEnding.CrLf;
            onLineRead?.Invoke(line.Bytes.Length + 2);
            switch (line.Status)
            {
                case LineStatus.EndOfStream:
                    return SmtpDataOutcome.ConnectionClosed;
                case LineStatus.TooLong:
                    outcome = Worst(outcome, SmtpDataOutcome.LineTooLong);
                    continue;
            }

            var bytes = line.Bytes.Span;
            if (line.Ending == LineEnding.Lf)
            {
                outcome = Worst(outcome, SmtpDataOutcome.BareLineFeed);
                continue;
            }

            if (bytes.Length == 1 && bytes[0] == (byte)'.' && startsAfterCrLf)
            {
                return outcome;
            }

            if (outcome == SmtpDataOutcome.Complete)
            {
                // The line's own CRLF was taken off by the reader; a CR or NUL left inside is a fault.
                scanner.Scan(bytes);
                scanner.Scan("\r\n"u8);
                outcome = scanner.Fault;
            }

            if (outcome != SmtpDataOutcome.Complete)
            {
                continue; // Reading on to the end, keeping nothing.
            }

            if (bytes.Length > 0 && bytes[0] == (byte)'.')
            {
                bytes = bytes[1..];
            }

            size += bytes.Length + 2;
            if (size > maxBytes)
            {
                outcome = SmtpDataOutcome.TooBig;
                continue;
            }

            message.Write(bytes);
            message.Write("\r\n"u8);
        }
    }

    /// <summary>The first fault found is the one reported.</summary>
    private static SmtpDataOutcome Worst(SmtpDataOutcome current, SmtpDataOutcome found) =>
        current == SmtpDataOutcome.Complete ? found : current;
}
