using System.Buffers;
using System.Globalization;
using System.Net;
using NetKit.Mail;
using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>The message: DATA (RFC 5321 4.1.1.4), BDAT (RFC 3030) and delivery.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>The checks of line endings and NUL over BDAT's chunks (DATA's reader has its own).</summary>
    private readonly SmtpBodyScanner _bdatScanner = new();
    private bool _bdatTooBig;
    private long _bdatReceived;
    private long _deadlineArmedAt;
    private readonly DataRateGuard _dataRate = new();

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
        SmtpDataOutcome outcome;
        _waitingFor = "the message (DATA)";
        ArmDataDeadline();
        _dataRate.Start();
        _reader.MaxLineLength = _options.MaxDataLineLength;
        try
        {
            outcome = await SmtpDataReader.ReadAsync(_reader, _message, _options.MaxMessageSize, KeepDataDeadline, _deadline.Token);
        }
        finally
        {
            _reader.MaxLineLength = _options.MaxCommandLineLength;
        }

        _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        if (outcome == SmtpDataOutcome.ConnectionClosed)
        {
            return false; // Nothing half-stored: the message was only in memory.
        }

        await ConcludeAsync(outcome);
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
            if (!await ReadChunkAsync(size, keep: false, scanner: null))
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

        _bdatReceived += size;
        _bdatTooBig |= _bdatReceived > _options.MaxMessageSize;

        // A binary body may hold any octet (RFC 3030 3); every other body keeps DATA's rules.
        var scanner = _mail!.Body == SmtpBodyType.BinaryMime ? null : _bdatScanner;
        if (!await ReadChunkAsync(size, keep: !_bdatTooBig, scanner))
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

        await ConcludeAsync(_bdatTooBig ? SmtpDataOutcome.TooBig : scanner?.Complete() ?? SmtpDataOutcome.Complete);
        return true;
    }

    /// <summary>The end of a message read whole (DATA's dot, BDAT LAST): delivered, or refused for its fault; the transaction is over either way.</summary>
    private async ValueTask ConcludeAsync(SmtpDataOutcome outcome)
    {
        switch (outcome)
        {
            case SmtpDataOutcome.Complete when _message.OverBudget:
                Refuse(SmtpReplies.InsufficientStorage, "buffer_budget");
                break;
            case SmtpDataOutcome.Complete:
                await DeliverAsync(_message.WrittenSpan.ToArray());
                break;
            case SmtpDataOutcome.TooBig:
                Refuse(SmtpReplies.MessageTooBig, "too_big");
                break;
            case SmtpDataOutcome.BareLineFeed:
                Refuse(SmtpReplies.BareLineFeed, "bare_lf");
                break;
            case SmtpDataOutcome.BareCarriageReturn:
                Refuse(SmtpReplies.BareCarriageReturn, "bare_cr");
                break;
            case SmtpDataOutcome.Nul:
                Refuse(SmtpReplies.NulInMessage, "nul");
                break;
            default:
                Refuse(SmtpReplies.DataLineTooLong, "line_too_long");
                break;
        }

        ResetTransaction();
    }

    /// <summary>
    /// Starts DATA's or BDAT's deadline. It is one of inactivity: <see cref="KeepDataDeadline"/>
    /// moves it on as bytes arrive, so a steady sender is not cut off and a message still
    /// arriving after a fault (too big, bare LF) is read to its end and gets its 5xx, not 421.
    /// A whole transfer's time is bounded by <see cref="DataRateGuard"/>: past the data timeout
    /// it must average <see cref="SmtpServerOptions.MinDataRate"/>.
    /// </summary>
    private void ArmDataDeadline()
    {
        _deadlineArmedAt = Environment.TickCount64;
        _deadline.CancelAfter(_options.DataTimeout);
    }

    /// <summary>
    /// Bytes arrived: restarts the deadline, at most every eighth of it (a timer
    /// change per line would be costly); so the client gets between 7/8 and all of
    /// <see cref="SmtpServerOptions.DataTimeout"/> of silence.
    /// </summary>
    private void KeepDataDeadline(int bytes)
    {
        _dataRate.Add(bytes);
        if (Environment.TickCount64 - _deadlineArmedAt >= _options.DataTimeout.TotalMilliseconds / 8)
        {
            if (_dataRate.IsTooSlow(_options.DataTimeout, _options.MinDataRate))
            {
                _deadline.Cancel(); // Ends the session as a timeout does, with DataRateGuard.TooSlow.
                return;
            }

            ArmDataDeadline();
        }
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

    /// <summary>
    /// Reads a chunk's <paramref name="size"/> bytes into the message, or past them,
    /// showing each piece to <paramref name="scanner"/>. False when the client left.
    /// </summary>
    private async ValueTask<bool> ReadChunkAsync(long size, bool keep, SmtpBodyScanner? scanner)
    {
        _waitingFor = "a BDAT chunk";
        var scratch = keep ? null : ArrayPool<byte>.Shared.Rent(64 * 1024);
        ArmDataDeadline();
        _dataRate.Start();
        try
        {
            while (size > 0)
            {
                var piece = (int)Math.Min(size, 64 * 1024);
                var into = keep ? _message.GetMemory(piece)[..piece] : scratch.AsMemory(0, piece);
                var n = await _reader.ReadAsync(into, _deadline.Token);
                if (n == 0)
                {
                    return false;
                }

                KeepDataDeadline(n);
                scanner?.Scan(into.Span[..n]);
                if (keep)
                {
                    _message.Advance(n);
                }

                size -= n;
            }
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
    private async ValueTask DeliverAsync(byte[] data)
    {
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
            // A full disk is 452 4.3.1 (RFC 3463 "mail system full"), so the client knows to wait for space, not for a fix.
            Refuse(NetKit.IO.DiskFull.Caused(ex) ? SmtpReplies.InsufficientStorage : SmtpReplies.LocalError, "store");
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

    /// <summary>Empties the message buffer and gives its bytes back to the server's budget.</summary>
    private void ResetMessage()
    {
        _bdatTooBig = false;
        _bdatReceived = 0;
        _bdatScanner.Reset();
        _message.Release();
    }
}
