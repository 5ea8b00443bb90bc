using System.Buffers;

namespace NetKit.Smtp.Server;

/// <summary>
/// A session's message buffer, paid for out of the server's <see cref="SmtpMessageBudget"/>:
/// before the buffer grows, the growth is taken from the budget; when there is not
/// enough left, the buffer is dropped and the rest of the message goes to a scratch
/// area (read, not kept) and <see cref="OverBudget"/> says so (452 4.3.1 at the end).
/// <see cref="Release"/> gives everything back; the session calls it when a
/// transaction ends and when it is disposed, whatever happened.
/// </summary>
internal sealed class BudgetedMessageBuffer(SmtpMessageBudget budget) : IBufferWriter<byte>
{
    /// <summary>A buffer bigger than this is dropped after use rather than kept for the session's next message.</summary>
    private const int KeptBufferSize = 1024 * 1024;
    private const int InitialSize = 4096;

    private ArrayBufferWriter<byte>? _buffer;
    private byte[]? _scratch;
    private long _taken;

    public bool OverBudget { get; private set; }

    public int WrittenCount => _buffer?.WrittenCount ?? 0;

    public ReadOnlySpan<byte> WrittenSpan => _buffer is null ? [] : _buffer.WrittenSpan;

    public void Advance(int count)
    {
        if (!OverBudget)
        {
            _buffer!.Advance(count);
        }
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint) ? _buffer!.GetMemory(sizeHint) : Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Ends the transaction's use: the budget gets back all it gave; a big buffer is dropped.</summary>
    public void Release()
    {
        if (_buffer is { Capacity: > KeptBufferSize } || OverBudget)
        {
            _buffer = null;
        }

        _buffer?.ResetWrittenCount();
        _scratch = null;
        OverBudget = false;
        budget.Give(_taken);
        _taken = 0;
    }

    /// <summary>Pays for what the buffer will grow to; false once the budget is exhausted (the buffer is then dropped).</summary>
    private bool Reserve(int sizeHint)
    {
        if (OverBudget)
        {
            return false;
        }

        _buffer ??= new ArrayBufferWriter<byte>(InitialSize);
        var needed = Math.Max(sizeHint, 1);

        // ArrayBufferWriter grows by max(needed, capacity): pay for the capacity it will have.
        long capacity = _buffer.FreeCapacity >= needed
            ? _buffer.Capacity
            : Math.Min(Array.MaxLength, (long)_buffer.Capacity + Math.Max(needed, _buffer.Capacity));
        var more = capacity - _taken;
        if (more <= 0 || budget.TryTake(more))
        {
            _taken = Math.Max(_taken, capacity);
            return true;
        }

        OverBudget = true;
        _buffer = null; // Nothing more is kept: the memory goes back at once.
        budget.Give(_taken);
        _taken = 0;
        return false;
    }

    private Memory<byte> Scratch(int sizeHint)
    {
        if (_scratch is null || _scratch.Length < sizeHint)
        {
            _scratch = new byte[Math.Max(sizeHint, 64 * 1024)];
        }

        return _scratch;
    }
}
