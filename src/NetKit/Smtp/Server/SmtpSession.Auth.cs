using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>
/// AUTH (RFC 4954) with NetKit's SASL server mechanisms: base64 in 334
/// challenges, "*" cancels, "=" is an empty initial response. Only over TLS
/// (or plaintext from loopback when allowed); failures are answered late, later
/// each time, and the session ends after a few.
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>RFC 4954 section 4: an AUTH response line may be 12,288 octets.</summary>
    private const int MaxAuthLineLength = 12_288;

    private string? _user;
    private int _authFailures;

    private bool AuthAllowedHere => _connection.IsTls || (_options.AllowPlaintextAuth && _connection.IsLocal);

    private bool AuthOffered => _options.Users is not null && _user is null && AuthAllowedHere;

    private async ValueTask<bool> AuthAsync(string argument)
    {
        if (_options.Users is not { } users)
        {
            Error(SmtpReplies.AuthUnavailable);
            return true;
        }

        var words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var refusal = _state switch
        {
            SmtpSessionState.Connected => SmtpReplies.HelloFirst,
            not SmtpSessionState.Greeted => SmtpReplies.NotInTransaction,
            _ when _user is not null => SmtpReplies.AlreadyAuthenticated,
            _ when words.Length is 0 or > 2 => SmtpReplies.AuthSyntax,
            _ when !AuthAllowedHere => SmtpReplies.EncryptionRequired,
            _ when !SaslServer.Supported.Contains(words[0], StringComparer.OrdinalIgnoreCase) => SmtpReplies.UnknownMechanism,
            _ => null,
        };
        if (refusal is not null)
        {
            Error(refusal);
            return true;
        }

        var mechanism = SaslServer.Create(words[0], users);
        byte[] response = [];
        if (words.Length == 2 && !SaslResponse.TryDecode(words[1], out response, equalsIsEmpty: true))
        {
            Error(SmtpReplies.AuthNotBase64);
            return true;
        }

        while (true)
        {
            SaslStep step;
            try
            {
                step = await mechanism.StepAsync(response, _stopping);
            }
            catch (SaslException ex)
            {
                step = SaslStep.Failure(ex.Message);
            }

            switch (step.Kind)
            {
                case SaslStepKind.Failure:
                    return await FailAuthAsync(step);
                case SaslStepKind.Success when step.Data.Length == 0:
                    _user = step.UserName;
                    SmtpServerLog.Authenticated(_server.Logger, _connection.Remote, _user!);
                    _output.Add(SmtpReplies.Authenticated);
                    return true;
            }

            // A challenge, or success data (SCRAM's server signature): RFC 4954 sends both
            // as a 334 and, for the latter, takes an empty response before saying 235.
            _output.Add(new SmtpWireReply(new SmtpReply(334, (EnhancedStatusCode?)null, [Convert.ToBase64String(step.Data)])));
            var (left, answer, line) = await ReadAuthResponseAsync();
            if (left)
            {
                return false;
            }

            if (answer is not null)
            {
                Error(answer);
                return true;
            }

            if (step.Kind == SaslStepKind.Success)
            {
                _user = step.UserName;
                SmtpServerLog.Authenticated(_server.Logger, _connection.Remote, _user!);
                _output.Add(SmtpReplies.Authenticated);
                return true;
            }

            response = line;
        }
    }

    /// <summary>
    /// The client's next response, decoded; or the reply that ends the exchange
    /// ("*": cancelled; not base64; too long), or that the client left. Never traced in clear.
    /// </summary>
    private async ValueTask<(bool Left, SmtpWireReply? Answer, byte[] Response)> ReadAuthResponseAsync()
    {
        var trace = _connection.Trace;
        _connection.Trace = null;
        _reader.MaxLineLength = MaxAuthLineLength;
        LineResult line;
        try
        {
            line = await ReadLineAsync(_options.CommandTimeout, "an AUTH response");
        }
        finally
        {
            _reader.MaxLineLength = _options.MaxCommandLineLength;
            _connection.Trace = trace;
        }

        trace?.Received("AUTH response", secret: true);
        switch (line.Status)
        {
            case LineStatus.EndOfStream:
                return (true, null, []);
            case LineStatus.TooLong:
                return (false, SmtpReplies.AuthLineTooLong, []);
        }

        var text = line.Text;
        if (text == SaslResponse.Cancel)
        {
            return (false, SmtpReplies.AuthCancelled, []);
        }

        return SaslResponse.TryDecode(text, out var response) ? (false, null, response) : (false, SmtpReplies.AuthNotBase64, []);
    }

    /// <summary>A failed attempt: answered after a pause that grows each time; after the last allowed one, 421 and close.</summary>
    private async ValueTask<bool> FailAuthAsync(SaslStep step)
    {
        _authFailures++;
        SmtpServerMetrics.AuthFailed();
        SmtpServerLog.AuthFailed(_server.Logger, _connection.Remote, step.UserName, step.Reason);
        await _output.FlushAsync(_stopping);
        await Task.Delay(_options.AuthFailureDelay * _authFailures, _stopping);
        if (_authFailures >= _options.MaxAuthFailures)
        {
            SmtpServerLog.TooManyAuthFailures(_server.Logger, _connection.Remote, _authFailures);
            await CloseWithAsync(SmtpReplies.TooManyAuthFailures);
            return false;
        }

        _output.Add(SmtpReplies.AuthFailed);
        return true;
    }

    /// <summary>The trace never shows AUTH's initial response.</summary>
    private static string RedactAuth(string line) =>
        line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 2) : line;
}
