using System.Buffers;
using Microsoft.Extensions.Logging;
using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>
/// One SMTP conversation: reads commands in order, answers each in order
/// (pipelined replies go out together), and moves through
/// <see cref="SmtpSessionState"/>. This file: the loop, the greeting and the
/// envelope; the message itself (DATA, BDAT, delivery), STARTTLS and AUTH have
/// files of their own.
/// </summary>
internal sealed partial class SmtpSession : IDisposable
{
    private readonly SmtpServer _server;
    private readonly SmtpServerOptions _options;
    private readonly NetConnection _connection;
    private readonly LineReader _reader;
    private readonly SmtpReplyOutput _output;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenSource _deadline;
    private readonly List<SmtpRecipient> _recipients = [];
    private readonly BudgetedMessageBuffer _message;
    private SmtpSessionState _state = SmtpSessionState.Connected;
    private string? _heloName;
    private bool _extended;
    private SmtpMailCommand? _mail;
    private int _errors;
    private string _waitingFor = "a command";

    public SmtpSession(SmtpServer server, NetConnection connection, CancellationToken stopping)
    {
        _server = server;
        _options = server.Options;
        _connection = connection;
        _stopping = stopping;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _reader = new LineReader(connection, _options.MaxCommandLineLength);
        _output = new SmtpReplyOutput(connection);
        _message = new BudgetedMessageBuffer(server.Budget);
        if (connection.Trace is { } trace)
        {
            trace.Redact = RedactAuth;
        }
    }

    public async Task RunAsync()
    {
        _output.Add(_server.Greeting);
        try
        {
            while (await NextCommandAsync())
            {
                if (_errors >= _options.MaxErrors)
                {
                    SmtpServerLog.TooManyErrors(_server.Logger, _connection.Remote, _errors);
                    await CloseWithAsync(SmtpReplies.TooManyErrors);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested)
        {
            if (!_stopping.IsCancellationRequested)
            {
                SmtpServerLog.TimedOut(_server.Logger, _connection.Remote, _waitingFor);
            }

            await CloseWithAsync(_stopping.IsCancellationRequested ? SmtpReplies.ShuttingDown
                : _dataRate.Tripped ? DataRateGuard.TooSlow : SmtpReplies.Timeout);
        }
    }

    public void Dispose()
    {
        _message.Release(); // However the session ended, its share of the budget goes back.
        _reader.Dispose();
        _deadline.Dispose();
    }

    /// <summary>Reads and answers one command; false when the session is over.</summary>
    private async ValueTask<bool> NextCommandAsync()
    {
        var line = await ReadLineAsync(_options.CommandTimeout, "a command");
        switch (line.Status)
        {
            case LineStatus.EndOfStream:
                return false; // The client left; an open transaction is dropped unstored.
            case LineStatus.TooLong:
                Error(SmtpReplies.LineTooLong);
                return true;
        }

        var bytes = line.Bytes.Span;
        if (bytes.Contains((byte)0))
        {
            Error(SmtpReplies.NulInCommand);
            return true;
        }

        var verb = SmtpCommandLine.Parse(bytes, out var argumentBytes);
        if (!Utf8Text.TryDecode(argumentBytes, out var argument))
        {
            Error(SmtpReplies.NotUtf8);
            return true;
        }

        switch (verb)
        {
            case SmtpVerb.Ehlo:
            case SmtpVerb.Helo:
                Hello(verb == SmtpVerb.Ehlo, argument);
                return true;
            case SmtpVerb.Mail:
                Mail(argument);
                return true;
            case SmtpVerb.Rcpt:
                await RcptAsync(argument);
                return true;
            case SmtpVerb.Data:
                return await DataAsync(argument);
            case SmtpVerb.Bdat:
                return await BdatAsync(argument);
            case SmtpVerb.Rset:
                Rset(argument);
                return true;
            case SmtpVerb.Noop:
                _output.Add(SmtpReplies.Ok);
                return true;
            case SmtpVerb.Quit:
                // QUIT is the client's last word (RFC 5321 4.1.1.10): nothing to drain, as a rule.
                await CloseWithAsync(SmtpReplies.Bye, linger: _reader.Buffered > 0);
                return false;
            case SmtpVerb.Vrfy:
                // Never says whether a user exists (RFC 5321 3.5.3 allows 252; harvesters learn nothing).
                Answer(argument.Length == 0 ? SmtpReplies.VrfySyntax : SmtpReplies.CannotVerify);
                return true;
            case SmtpVerb.Expn:
                Error(SmtpReplies.ExpnNotSupported);
                return true;
            case SmtpVerb.Help:
                _output.Add(SmtpReplies.Help);
                return true;
            case SmtpVerb.StartTls:
                return await StartTlsAsync(argument);
            case SmtpVerb.Auth:
                return await AuthAsync(argument);
            case SmtpVerb.Unknown when IsHttpRequest(bytes):
                // A browser tricked into posting to the SMTP port (cross-protocol attack):
                // nothing that follows is SMTP, so end it at once, as Postfix does.
                await CloseWithAsync(SmtpReplies.NotHttp);
                return false;
            default:
                Error(SmtpReplies.Unrecognized);
                return true;
        }
    }

    private static bool IsHttpRequest(ReadOnlySpan<byte> line) =>
        line.StartsWith("GET "u8) || line.StartsWith("POST "u8) || line.StartsWith("CONNECT "u8)
        || line.StartsWith("HEAD "u8) || line.StartsWith("PUT "u8);

    /// <summary>
    /// Reads a line within <paramref name="timeout"/>. When the next line is not
    /// already buffered, the replies waiting are sent first: that is where a
    /// pipelining client's batch ends and it waits for our answers.
    /// </summary>
    private async ValueTask<LineResult> ReadLineAsync(TimeSpan timeout, string waitingFor)
    {
        _waitingFor = waitingFor;
        _deadline.CancelAfter(timeout);
        var line = await PipelinedReads.ReadLineAsync(_reader, _output, _connection, _deadline.Token, _stopping);
        _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        return line;
    }

    /// <summary>
    /// Sends <paramref name="reply"/> and everything before it, then ends the session;
    /// <paramref name="linger"/>: the client may still be sending (it was not its idea to stop).
    /// </summary>
    private async Task CloseWithAsync(SmtpWireReply reply, bool linger = true)
    {
        _output.Add(reply);
        if (!await LastWords.TrySayAsync(_output.FlushAsync))
        {
            return;
        }

        if (linger && !_stopping.IsCancellationRequested)
        {
            await LingerAsync(); // A stopping server does not wait on its clients.
        }
    }

    /// <summary>
    /// A lingering close: FIN first, then read and drop what the client still
    /// sends (pipelined commands after a 421, say) until it closes too, for at
    /// most a second and 64 KiB. Closing a socket with unread input makes the
    /// kernel send a reset, which can destroy the last reply before the client reads it.
    /// </summary>
    private async Task LingerAsync()
    {
        _connection.ShutdownSend();
        _reader.DiscardBuffered();
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            for (var total = 0; total < 64 * 1024;)
            {
                var n = await _reader.ReadAsync(scratch, linger.Token);
                if (n == 0)
                {
                    return;
                }

                total += n;
            }
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex) || ex is InvalidOperationException or NotSupportedException)
        {
            // Best effort: a broken or timed-out stream (a TLS read cut short) just closes.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>A refusal that counts towards <see cref="SmtpServerOptions.MaxErrors"/>.</summary>
    private void Error(SmtpWireReply reply)
    {
        _errors++;
        _output.Add(reply);
    }

    /// <summary>Any reply; the 5xx ones count as errors.</summary>
    private void Answer(SmtpWireReply reply)
    {
        if (reply.Code >= 500)
        {
            Error(reply);
        }
        else
        {
            _output.Add(reply);
        }
    }

    private void Hello(bool extended, string argument)
    {
        var name = argument.Trim();
        if (name.Length == 0)
        {
            Error(extended ? SmtpReplies.EhloSyntax : SmtpReplies.HeloSyntax);
            return;
        }

        // EHLO and HELO start over (RFC 5321 4.1.4): any transaction is dropped.
        ResetTransaction();
        _heloName = name;
        _extended = extended;
        _state = SmtpSessionState.Greeted;
        _output.Add(extended ? _server.Ehlo(StartTlsOffered, AuthOffered) : _server.Helo);
    }

    private void Mail(string argument)
    {
        switch (_state)
        {
            case SmtpSessionState.Connected:
                Error(SmtpReplies.HelloFirst);
                return;
            case SmtpSessionState.InTransaction or SmtpSessionState.HaveRecipients or SmtpSessionState.ReceivingBdat:
                Error(SmtpReplies.NestedMail);
                return;
        }

        if (!SmtpEnvelopeParser.TryParseMail(argument, out var mail, out var refusal))
        {
            Answer(new SmtpWireReply(refusal));
            return;
        }

        if (!_extended && mail != new SmtpMailCommand(mail.ReversePath))
        {
            Error(SmtpReplies.ParametersNeedEhlo);
            return;
        }

        if (mail.Size > _options.MaxMessageSize)
        {
            _output.Add(SmtpReplies.MessageTooBig);
            return;
        }

        if (mail.Size > _server.Budget.Available)
        {
            // RFC 1870 6.1: too big for now (the server's memory for messages is in use), not for ever.
            _output.Add(SmtpReplies.InsufficientStorage);
            return;
        }

        _mail = mail;
        _state = SmtpSessionState.InTransaction;
        _output.Add(SmtpReplies.SenderOk);
    }

    private async ValueTask RcptAsync(string argument)
    {
        switch (_state)
        {
            case SmtpSessionState.Connected or SmtpSessionState.Greeted:
                Error(_state == SmtpSessionState.Connected ? SmtpReplies.HelloFirst : SmtpReplies.NeedMail);
                return;
            case SmtpSessionState.ReceivingBdat:
                Error(SmtpReplies.NotDuringBdat);
                return;
        }

        if (!SmtpEnvelopeParser.TryParseRcpt(argument, _mail!.SmtpUtf8, out var rcpt, out var refusal))
        {
            Answer(new SmtpWireReply(refusal));
            return;
        }

        if (!_extended && rcpt != new SmtpRcptCommand(rcpt.Recipient))
        {
            Error(SmtpReplies.ParametersNeedEhlo);
            return;
        }

        if (_recipients.Count >= _options.MaxRecipients)
        {
            _output.Add(SmtpReplies.TooManyRecipients);
            return;
        }

        var account = await ResolveAsync(rcpt.Recipient);
        if (account is null)
        {
            return; // Refused inside.
        }

        if (!_recipients.Exists(r => r.Account == account && string.Equals(r.Address, rcpt.Recipient.Address, StringComparison.OrdinalIgnoreCase)))
        {
            _recipients.Add(new SmtpRecipient(rcpt.Recipient.Address, account, rcpt.Notify, rcpt.OriginalRecipient));
        }

        _state = SmtpSessionState.HaveRecipients;
        _output.Add(SmtpReplies.RecipientOk);
    }

    /// <summary>
    /// The account a recipient's mail goes to: a local user's own; with catch-all,
    /// one named by the full address; else the refusal is sent and null returned.
    /// Never an open relay: another domain without catch-all is 550 5.7.1.
    /// </summary>
    private async ValueTask<string?> ResolveAsync(SmtpMailbox recipient)
    {
        var local = recipient.Domain.Length == 0
            || _options.LocalDomains.Any(d => string.Equals(d, recipient.Domain, StringComparison.OrdinalIgnoreCase));
        if (local)
        {
            string? account;
            try
            {
                account = await _server.Store.FindLocalAccountAsync(recipient.UnquotedLocalPart, _stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                SmtpServerLog.DeliveryFailed(_server.Logger, ex, _connection.Remote);
                _output.Add(SmtpReplies.LocalError); // 451: the client tries this recipient again later.
                return null;
            }

            if (account is not null)
            {
                return account;
            }

            if (string.Equals(recipient.UnquotedLocalPart, "postmaster", StringComparison.OrdinalIgnoreCase))
            {
                return "postmaster"; // RFC 5321 4.5.1: postmaster must always be accepted.
            }
        }

        if (_options.CatchAll)
        {
            return recipient.Domain.Length == 0 ? "postmaster" : recipient.Address.ToLowerInvariant();
        }

        Error(local ? SmtpReplies.UserUnknown : SmtpReplies.RelayDenied);
        return null;
    }

    private void Rset(string argument)
    {
        if (argument.Length > 0)
        {
            Error(SmtpReplies.NoArguments);
            return;
        }

        ResetTransaction();
        _output.Add(SmtpReplies.Ok);
    }

    /// <summary>Forgets the open transaction (MAIL, recipients, BDAT chunks); the greeting stays.</summary>
    private void ResetTransaction()
    {
        _mail = null;
        _recipients.Clear();
        ResetMessage();
        if (_state != SmtpSessionState.Connected)
        {
            _state = SmtpSessionState.Greeted;
        }
    }
}
