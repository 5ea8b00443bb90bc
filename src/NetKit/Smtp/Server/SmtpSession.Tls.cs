namespace NetKit.Smtp.Server;

/// <summary>STARTTLS (RFC 3207).</summary>
internal sealed partial class SmtpSession
{
    private bool StartTlsOffered => _options.Certificate is not null && !_connection.IsTls;

    private async ValueTask<bool> StartTlsAsync(string argument)
    {
        if (argument.Length > 0)
        {
            Error(SmtpReplies.NoArguments);
            return true;
        }

        if (_connection.IsTls)
        {
            Error(SmtpReplies.AlreadyTls);
            return true;
        }

        if (_options.Certificate is not { } certificate)
        {
            Error(SmtpReplies.StartTlsUnavailable);
            return true;
        }

        if (_state is not (SmtpSessionState.Connected or SmtpSessionState.Greeted))
        {
            Error(SmtpReplies.NotInTransaction);
            return true;
        }

        _output.Add(SmtpReplies.ReadyForTls);
        await _output.FlushAsync(_stopping);

        if (!await Transport.StartTls.UpgradeServerAsync(
                _connection, _reader, certificate, _options.TlsHandshakeTimeout, "STARTTLS",
                bytes => SmtpServerLog.DiscardedAfterStartTls(_server.Logger, _connection.Remote, bytes), _stopping))
        {
            return false; // No way back to plaintext: the session ends.
        }

        // RFC 3207 4.2: forget everything learnt before; the client must say EHLO again.
        ResetTransaction();
        _state = SmtpSessionState.Connected;
        _heloName = null;
        _extended = false;
        _user = null;
        return true;
    }
}
