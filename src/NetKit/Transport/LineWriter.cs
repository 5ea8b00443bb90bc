using System.Buffers;
using System.Text;

namespace NetKit.Transport;

/// <summary>
/// Writes the lines of a text protocol (UTF-8, CRLF by default) and traces them.
/// </summary>
public sealed class LineWriter
{
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _write;
    private readonly Func<WireTrace?> _trace;

    public LineWriter(NetConnection connection)
        : this(connection.WriteAsync, () => connection.Trace)
    {
    }

    public LineWriter(Stream stream, WireTrace? trace = null)
        : this(stream.WriteAsync, () => trace)
    {
    }

    private LineWriter(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, Func<WireTrace?> trace)
    {
        _write = write;
        _trace = trace;
    }

    /// <summary>What ends each line; CRLF, as every classic Internet protocol wants.</summary>
    public LineEnding NewLine { get; set; } = LineEnding.CrLf;

    /// <summary>Writes one line. A <paramref name="secret"/> line shows as asterisks in the trace.</summary>
    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default, bool secret = false) =>
        WriteLineAsync(line, NewLine, cancellationToken, secret);

    /// <summary>Writes one line with a chosen ending (a reply that mirrors the request's).</summary>
    public async ValueTask WriteLineAsync(string line, LineEnding ending, CancellationToken cancellationToken = default, bool secret = false)
    {
        var terminator = LineResult.Terminator(ending);
        var length = Encoding.UTF8.GetByteCount(line) + terminator.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var n = Encoding.UTF8.GetBytes(line, buffer);
            terminator.CopyTo(buffer.AsSpan(n));
            _trace()?.Sent(line, secret);
            await _write(buffer.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes bytes as they are (a body, a literal); traced as a size, not as content.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await _write(data, cancellationToken);
    }
}
