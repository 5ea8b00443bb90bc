using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Nntp.Server;

/// <summary>STARTTLS (RFC 4642) and AUTHINFO USER/PASS and SASL PLAIN (RFC 4643).</summary>
internal sealed partial class NntpSession
{
    private string? _user;
    private string? _pendingUser;
    private int _authFailures;

    private bool StartTlsOffered => _options.Certificate is not null && !_connection.IsTls && _user is null;

    private bool AuthAllowedHere => _connection.IsTls || (_options.AllowPlaintextAuth && _connection.IsLocal);

    private bool AuthOffered => _options.Users is not null && _user is null && AuthAllowedHere;

    private static string RedactAuth(string line) =>
        line.StartsWith("AUTHINFO PASS", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 2)
        : line.StartsWith("AUTHINFO SASL", StringComparison.OrdinalIgnoreCase) ? WireTrace.MaskAfterWords(line, 3)
        : line;

    private async ValueTask<bool> StartTlsAsync(string[] args)
    {
        if (args.Length > 0)
        {
            Error(501, "STARTTLS takes no arguments");
            return true;
        }

        if (_connection.IsTls || _user is not null)
        {
            Reply(502, "STARTTLS not allowed now (already TLS, or logged in)");
            return true;
        }

        if (_options.Certificate is not { } certificate)
        {
            Reply(580, "TLS is not available here");
            return true;
        }

        Reply(382, "continue with TLS negotiation");
        await FlushAsync();
        if (!await StartTls.UpgradeServerAsync(
                _connection, _reader, certificate, TimeSpan.FromSeconds(10), "STARTTLS",
                bytes => NntpServerLog.DiscardedAfterStartTls(_server.Logger, _connection.Remote, bytes), _stopping))
        {
            return false;
        }

        // RFC 4642 2.2.2: what was learnt before TLS is forgotten.
        _state = NntpSessionState.NoGroup;
        _group = null;
        _pendingUser = null;
        return true;
    }

    private async ValueTask<bool> AuthInfoAsync(string[] args)
    {
        if (_options.Users is not { } users)
        {
            Reply(502, "authentication not available");
            return true;
        }

        if (args.Length < 2)
        {
            Error(501, "AUTHINFO USER name | PASS password | SASL PLAIN [initial-response]");
            return true;
        }

        if (_user is not null)
        {
            Reply(502, "already authenticated");
            return true;
        }

        if (!AuthAllowedHere)
        {
            Reply(483, "encryption required: STARTTLS first");
            return true;
        }

        switch (args[0].ToUpperInvariant())
        {
            case "USER":
                _pendingUser = args[1];
                Reply(381, "password required");
                return true;
            case "PASS":
                if (_pendingUser is null)
                {
                    Reply(482, "AUTHINFO USER first");
                    return true;
                }

                var name = _pendingUser;
                _pendingUser = null;
                var step = await PasswordCheck.VerifyAsync(users, name, string.Join(' ', args[1..]), _stopping);
                return await FinishAuthAsync(step, 281);
            case "SASL":
                return await SaslAsync(users, args);
            default:
                Error(501, "AUTHINFO USER, PASS or SASL");
                return true;
        }
    }

    private async ValueTask<bool> SaslAsync(ISaslCredentialStore users, string[] args)
    {
        if (!args[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase) || args.Length > 3)
        {
            Reply(503, "only SASL PLAIN is offered");
            return true;
        }

        var mechanism = SaslServer.Create("PLAIN", users);
        var response = args.Length == 3 ? Decode(args[2]) : [];
        while (true)
        {
            if (response is null)
            {
                Reply(504, "not base64");
                return true;
            }

            var step = await mechanism.StepAsync(response, _stopping);
            if (step.Kind != SaslStepKind.Challenge)
            {
                return await FinishAuthAsync(step, 283);
            }

            Reply(383, step.Data.Length == 0 ? "=" : Convert.ToBase64String(step.Data));
            await FlushAsync();
            var line = await _reader.ReadLineAsync(_stopping);
            if (line.Status == LineStatus.EndOfStream)
            {
                return false;
            }

            var text = line.Text;
            _connection.Trace?.Note("(SASL response hidden)");
            if (text == SaslResponse.Cancel)
            {
                Reply(481, "authentication cancelled");
                return true;
            }

            response = Decode(text);
        }
    }

    /// <summary>A SASL response, initial or not: "=" is the empty one; null when it is not base64.</summary>
    private static byte[]? Decode(string text) => SaslResponse.TryDecode(text, out var bytes, equalsIsEmpty: true) ? bytes : null;

    private async ValueTask<bool> FinishAuthAsync(SaslStep step, int successCode)
    {
        if (step.Kind == SaslStepKind.Success)
        {
            _user = step.UserName;
            NntpServerLog.Authenticated(_server.Logger, _connection.Remote, _user!);
            Reply(successCode, "authentication accepted");
            return true;
        }

        _authFailures++;
        NntpServerLog.AuthFailed(_server.Logger, _connection.Remote, step.UserName, step.Reason);
        await Task.Delay(TimeSpan.FromMilliseconds(200 * _authFailures), _stopping); // Slows guessing.
        Reply(481, "authentication failed");
        if (_authFailures >= _options.MaxAuthFailures)
        {
            NntpServerLog.TooManyAuthFailures(_server.Logger, _connection.Remote, _authFailures);
            Reply(400, "too many failed logins; goodbye");
            return false;
        }

        return true;
    }
}
