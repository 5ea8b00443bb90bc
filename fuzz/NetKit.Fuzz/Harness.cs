using System.Text;
using NetKit.Imap;
using NetKit.Transport;

namespace NetKit.Fuzz;

/// <summary>What every target shares: which exceptions are a parser's answer and which a bug, and line splitting.</summary>
internal static class Harness
{
    /// <summary>
    /// Runs one input. A parser refuses bad input with NetKitException (each protocol's
    /// parse/protocol exception derives from it); the few entry points documented to throw
    /// FormatException (NetEndpoint, GopherUrl) are caught in their own targets. Anything else
    /// escaping a parser (IndexOutOfRange, NullReference, ArgumentOutOfRange, Overflow,
    /// FormatException from a number parse ...) is a crash.
    /// </summary>
    public static void RunOne(Action<byte[]> target, byte[] input)
    {
        try
        {
            target(input);
        }
        catch (NetKitException)
        {
        }
        catch (EndOfStreamException)
        {
            // The input ended inside a literal or body: the peer closed mid-data, which
            // LineReader.ReadExactlyAsync reports this way and sessions treat as a disconnect.
        }
    }

    /// <summary>The input's lines as a server reads them: LineReader (CRLF or bare LF, 8 KB at most).</summary>
    public static IEnumerable<byte[]> Lines(byte[] input, int maxLineLength = 8192)
    {
        using var reader = Reader(input, maxLineLength);
        while (true)
        {
            var line = reader.ReadLineAsync().AsTask().GetAwaiter().GetResult();
            if (line.Status == LineStatus.EndOfStream)
            {
                yield break;
            }

            if (line.Status == LineStatus.Line)
            {
                yield return line.Bytes.ToArray();
            }
        }
    }

    /// <summary>
    /// The input's IMAP commands (or responses: the same syntax) as ImapCommandReader splits them,
    /// lines and literals, 64 KB lines at most; a synchronizing literal is read without a "+ " invitation.
    /// </summary>
    public static IEnumerable<ImapRawCommand> ImapCommandsIn(byte[] input)
    {
        using var lineReader = Reader(input, 64 * 1024);
        var reader = new ImapCommandReader(lineReader, new ImapLimits());
        while (true)
        {
            var read = reader.ReadAsync(_ => ValueTask.CompletedTask, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (read.Status == ImapReadStatus.EndOfStream)
            {
                yield break;
            }

            if (read.Command is not null)
            {
                yield return read.Command;
            }
        }
    }

    /// <summary>The lines as text, decoded as the servers do: invalid UTF-8 becomes U+FFFD.</summary>
    public static IEnumerable<string> TextLines(byte[] input) => Lines(input).Select(l => Encoding.UTF8.GetString(l));

    public static LineReader Reader(byte[] input, int maxLineLength = 8192) =>
        new(new MemoryStream(input, writable: false), trace: null, maxLineLength);

    /// <summary>Runs a task the input drives to the end; a MemoryStream never blocks, so this never waits.</summary>
    public static T Sync<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>A property a parser promises (a decode of an encode gives the value back) that did not hold.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("property violated: " + what);
        }
    }
}
