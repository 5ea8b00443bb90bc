using System.Buffers;
using System.Globalization;
using System.Net;
using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>The message: DATA (RFC 5321 4.1.1.4), BDAT (RFC 3030) and delivery.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>A message buffer bigger than this is dropped after use rather than kept for the session's next message.</summary>
    private const int KeptBufferSize = 1024 * 1024;

    private ArrayBufferWriter<byte>? _message;
    private bool _bdatTooBig;

    private async ValueTask<bool> DataAsync(string argument)
    {
        if (argument.Length > 0)
        {
            Error(SmtpReplies.NoArguments);
            return true;
        }

        var refusal = _state switch
        {
            SmtpSessionState.ReceivingBdat => SmtpReplies.NotDuringBdat,
            SmtpSessionState.HaveRecipients when _mail!.Body == SmtpBodyType.BinaryMime => SmtpReplies.BinaryNeedsBdat,
            _ => NoMessageYet(),
        };
        if (refusal is not null)
        {
            Error(refusal);
            return true;
        }

        _output.Add(SmtpReplies.StartData);
        await _output.FlushAsync(_stopping);
        var message = _message ??= new ArrayBufferWriter<byte>(4096);
        SmtpDataOutcome outcome;
        _waitingFor = "the message (DATA)";
        _deadline.CancelAfter(_options.DataTimeout);
        _reader.MaxLineLength = _options.MaxDataLineLength;
        try
        {
            // One deadline for the whole message would cut off a big one on a slow
            // link; a deadline per line would cost a timer change per line. A
            // deadline per 64 KiB of progress is both bounded and cheap.
            outcome = await SmtpDataReader.ReadAsync(_reader, new DeadlineExtendingWriter(message, this), _options.MaxMessageSize, _deadline.Token);
        }
        finally
        {
            _reader.MaxLineLength = _options.MaxCommandLineLength;
        }

        _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        switch (outcome)
        {
            case SmtpDataOutcome.ConnectionClosed:
                return false; // Nothing half-stored: the message was only in memory.
            case SmtpDataOutcome.Complete:
                await DeliverAsync(message);
                break;
            case SmtpDataOutcome.TooBig:
                Refuse(SmtpReplies.MessageTooBig, "too_big");
                break;
            case SmtpDataOutcome.BareLineFeed:
                Refuse(SmtpReplies.BareLineFeed, "bare_lf");
                break;
            default:
                Refuse(SmtpReplies.DataLineTooLong, "line_too_long");
                break;
        }

        ResetTransaction();
        return true;
    }

    private async ValueTask<bool> BdatAsync(string argument)
    {
        if (!TryParseBdat(argument, out var size, out var last))
        {
            // Without a size the chunk cannot be skipped; its bytes will read as (bad) commands.
            Error(SmtpReplies.BdatSyntax);
            return true;
        }

        if (NoMessageYet() is { } refusal)
        {
            // RFC 3030 2: the chunk's bytes follow regardless; read past them to stay in step.
            if (!await ReadChunkAsync(size, keep: false))
            {
                return false;
            }

            Error(refusal);
            return true;
        }

        if (_state == SmtpSessionState.HaveRecipients)
        {
            ResetMessage();
            _state = SmtpSessionState.ReceivingBdat;
        }

        var message = _message ??= new ArrayBufferWriter<byte>(4096);
        _bdatTooBig |= message.WrittenCount + size > _options.MaxMessageSize;
        if (!await ReadChunkAsync(size, keep: !_bdatTooBig))
        {
            return false; // Left mid-chunk: nothing stored.
        }

        if (!last)
        {
            _output.Add(_bdatTooBig
                ? SmtpReplies.MessageTooBig
                : new SmtpWireReply(250, "2.0.0", string.Create(CultureInfo.InvariantCulture, $"{size} octets received")));
            return true;
        }

        if (_bdatTooBig)
        {
            Refuse(SmtpReplies.MessageTooBig, "too_big");
        }
        else
        {
            await DeliverAsync(message);
        }

        ResetTransaction();
        return true;
    }

    /// <summary>Why DATA or BDAT cannot start a message now (no greeting, no MAIL, no recipient), or null.</summary>
    private SmtpWireReply? NoMessageYet() => _state switch
    {
        SmtpSessionState.Connected => SmtpReplies.HelloFirst,
        SmtpSessionState.Greeted => SmtpReplies.NeedMail,
        SmtpSessionState.InTransaction => SmtpReplies.NoValidRecipients,
        _ => null,
    };

    /// <summary><c>n</c> or <c>n LAST</c>.</summary>
    private static bool TryParseBdat(string argument, out long size, out bool last)
    {
        var words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        last = words.Length == 2 && string.Equals(words[1], "LAST", StringComparison.OrdinalIgnoreCase);
        size = 0;
        return words.Length is 1 or 2 && (words.Length == 1 || last)
            && words[0].Length <= 18 && long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }

    /// <summary>Reads a chunk's <paramref name="size"/> bytes into the message, or past them. False when the client left.</summary>
    private async ValueTask<bool> ReadChunkAsync(long size, bool keep)
    {
        _waitingFor = "a BDAT chunk";
        var scratch = keep ? null : ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (size > 0)
            {
                var piece = (int)Math.Min(size, 64 * 1024);
                var into = keep ? _message!.GetMemory(piece)[..piece] : scratch.AsMemory(0, piece);
                _deadline.CancelAfter(_options.DataTimeout);
                await _reader.ReadExactlyAsync(into, _deadline.Token);
                if (keep)
                {
                    _message!.Advance(piece);
                }

                size -= piece;
            }
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        finally
        {
            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        _connection.Trace?.Received($"<{(keep ? "chunk" : "chunk discarded")}>");
        return true;
    }

    /// <summary>
    /// Hands a complete message to the hook, then to the store; 250 only once the
    /// store says it is durable. A failure in either refuses it with 451 (try later).
    /// </summary>
    private async ValueTask DeliverAsync(ArrayBufferWriter<byte> buffer)
    {
        var data = buffer.WrittenSpan.ToArray();
        var message = new SmtpReceivedMessage(
            data, _mail!.ReversePathText, [.. _recipients], _mail, _heloName, RemoteAddress,
            _connection.IsTls, _user, DateTimeOffset.UtcNow);
        if (_options.OnMessage is { } hook)
        {
            SmtpReply? verdict;
            try
            {
                verdict = await hook(message, _stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                SmtpServerLog.HookFailed(_server.Logger, ex, _connection.Remote);
                Refuse(SmtpReplies.LocalError, "hook");
                return;
            }

            if (verdict is { IsIntermediate: true })
            {
                // 3xx would make the client send more; the hook cannot mean that.
                SmtpServerLog.HookFailed(_server.Logger, new InvalidOperationException($"the hook answered {verdict.Code}; only 2xx, 4xx or 5xx end a message"), _connection.Remote);
                Refuse(SmtpReplies.LocalError, "hook");
                return;
            }

            if (verdict is not null)
            {
                if (verdict.IsSuccess)
                {
                    SmtpServerMetrics.MessageAccepted(data.Length);
                    _output.Add(new SmtpWireReply(verdict));
                }
                else
                {
                    Refuse(new SmtpWireReply(verdict), "hook");
                }

                return;
            }
        }

        string? id;
        try
        {
            id = await _server.Store.DeliverAsync(message, _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SmtpServerLog.DeliveryFailed(_server.Logger, ex, _connection.Remote);
            Refuse(SmtpReplies.LocalError, "store");
            return;
        }

        SmtpServerMetrics.MessageAccepted(data.Length);

        SmtpServerLog.Stored(_server.Logger, _connection.Remote, data.Length, message.ReversePath, message.Recipients.Count, id);
        _output.Add(id is null ? SmtpReplies.Ok : new SmtpWireReply(250, "2.0.0", $"Ok: stored as {id}"));
    }

    /// <summary>A complete message refused: the reply, and the count by reason.</summary>
    private void Refuse(SmtpWireReply reply, string reason)
    {
        SmtpServerMetrics.MessageRefused(reason);
        _output.Add(reply);
    }

    /// <summary>The peer's address without the port (a Unix socket's path as it is).</summary>
    private string RemoteAddress => _connection.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : _connection.Remote;

    private void ResetMessage()
    {
        _bdatTooBig = false;
        if (_message is { Capacity: > KeptBufferSize })
        {
            _message = null;
        }

        _message?.ResetWrittenCount();
    }

    /// <summary>Passes the message through and restarts the DATA deadline after every 64 KiB.</summary>
    private sealed class DeadlineExtendingWriter(ArrayBufferWriter<byte> inner, SmtpSession session) : IBufferWriter<byte>
    {
        private const int Step = 64 * 1024;
        private int _sinceExtended;

        public void Advance(int count)
        {
            inner.Advance(count);
            _sinceExtended += count;
            if (_sinceExtended >= Step)
            {
                _sinceExtended = 0;
                session._deadline.CancelAfter(session._options.DataTimeout);
            }
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
