using System.Text;
using System.Threading.Channels;

namespace NetKit.Transport;

/// <summary>
/// A writer for traces and logs that never makes the caller wait: lines go
/// into a bounded queue and a background task writes them out. A server's
/// sessions run on the transport's event loop, so a trace written straight to
/// a terminal or a pipe that is slow to read (`netkit serve --trace | less`)
/// would stall every connection. When the queue is full, lines are dropped
/// and a note says how many.
/// </summary>
public sealed class QueuedTextWriter : TextWriter
{
    private readonly TextWriter _inner;
    private readonly Channel<string> _lines;
    private readonly Task _pump;
    private long _dropped;

    public QueuedTextWriter(TextWriter inner, int capacity = 10_000)
    {
        _inner = inner;
        _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            // Wait mode, but only TryWrite is used: it says false when the queue is full
            // (the Drop modes would drop silently and still say true).
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pump = Task.Run(PumpAsync);
    }

    public override Encoding Encoding => _inner.Encoding;

    public override void WriteLine(string? value)
    {
        if (!_lines.Writer.TryWrite(value ?? string.Empty))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public override void Write(char value) => WriteLine(value.ToString());

    public override void Write(string? value) => WriteLine(value);

    public override void Flush()
    {
        // Lines are flushed by the pump as it writes them.
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _lines.Writer.TryComplete())
        {
            _pump.GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async Task PumpAsync()
    {
        await foreach (var line in _lines.Reader.ReadAllAsync())
        {
            await NoteDroppedAsync();
            await _inner.WriteLineAsync(line);
            if (_lines.Reader.Count == 0)
            {
                await _inner.FlushAsync();
            }
        }

        await NoteDroppedAsync();
        await _inner.FlushAsync();
    }

    private async Task NoteDroppedAsync()
    {
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            await _inner.WriteLineAsync($"* {dropped} trace lines dropped: the output is not being read fast enough");
        }
    }
}
