using System.Security.Cryptography;
using System.Text;
using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Pop3.Server;

/// <summary>The AUTHORIZATION state: USER/PASS, APOP, AUTH (RFC 5034), STLS (RFC 2595).</summary>
internal sealed partial class Pop3Session
{
    private string? _userName;  // given by USER, waiting for PASS
    private int _loginFailures;
    private bool _inSasl;

    private bool StlsOffered => _options.Certificate is not null && !_connection.IsTls;

    /// <summary>RFC 2595 section 2.1: no password in the clear, except on this machine when the operator allows it.</summary>
    private bool PlaintextLoginAllowed => _connection.IsTls || (_options.AllowPlaintextLogin && _connection.IsLocal);

    /// <summary>The SASL mechanisms offered now: SCRAM always (it never shows the password), PLAIN and LOGIN as USER/PASS.</summary>
    private IReadOnlyList<string> OfferedMechanisms =>
        PlaintextLoginAllowed ? SaslServer.Supported : [.. SaslServer.Supported.Where(m => m.StartsWith("SCRAM-", StringComparison.Ordinal))];

    private void User(Pop3CommandLine command)
    {
        _userName = null;
        if (!PlaintextLoginAllowed)
        {
            Error(StlsOffered ? "USER/PASS needs TLS first: use STLS" : "USER/PASS is not allowed without TLS", Pop3ResponseCodes.Auth);
            return;
        }

        if (command.Arguments.Count != 1 || command.Arguments[0].Length == 0)
        {
            Error("syntax: USER name");
            return;
        }

        _userName = command.Arguments[0];
        _output.Response(Pop3Response.Ok("send PASS"));
    }

    private async ValueTask<bool> PassAsync(string line)
    {
        var userName = _userName;
        _userName = null;
        if (userName is null)
        {
            Error("PASS must follow USER");
            return true;
        }

        var password = Pop3CommandLine.RestOfLine(line);
        var user = await _server.Maildrops.VerifyPasswordAsync(userName, password, _stopping);
        return user is null ? await LoginFailedAsync("wrong user name or password for USER/PASS") : await OpenMaildropAsync(user);
    }

    private async ValueTask<bool> ApopAsync(Pop3CommandLine command)
    {
        if (_apopTimestamp is null)
        {
            // The source keeps only salted hashes (SCRAM credentials), and APOP's
            // MD5(timestamp + secret) needs the secret itself.
            Error("APOP is not available: this server keeps no plaintext secrets; use AUTH or USER/PASS");
            return true;
        }

        if (command.Arguments.Count != 2 || command.Arguments[1].Length != 32)
        {
            Error("syntax: APOP name digest");
            return true;
        }

        var found = await _server.Maildrops.FindApopSecretAsync(command.Arguments[0], _stopping);
        var expected = MD5.HashData(Encoding.UTF8.GetBytes(_apopTimestamp + (found?.Secret ?? string.Empty)));
        var given = Convert.FromHexString(IsHex(command.Arguments[1]) ? command.Arguments[1] : new string('0', 32));
        var match = CryptographicOperations.FixedTimeEquals(expected, given);
        return found is { } user && match ? await OpenMaildropAsync(user.UserName) : await LoginFailedAsync("wrong APOP digest or user");
    }

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);

    private async ValueTask<bool> AuthAsync(Pop3CommandLine command)
    {
        if (command.Arguments.Count == 0)
        {
            // The pre-RFC 5034 form many clients still send (RFC 1734 era): the list of mechanisms.
            _output.Response(Pop3Response.Ok("SASL mechanisms follow"));
            _output.Lines(OfferedMechanisms);
            return true;
        }

        if (command.Arguments.Count > 2)
        {
            Error("syntax: AUTH mechanism [initial-response]");
            return true;
        }

        var name = command.Arguments[0].ToUpperInvariant();
        if (!OfferedMechanisms.Contains(name))
        {
            Error(SaslServer.Supported.Contains(name) ? $"{name} needs TLS first" : $"unknown SASL mechanism {name}");
            return true;
        }

        var mechanism = SaslServer.Create(name, _server.Maildrops);
        ReadOnlyMemory<byte> response = ReadOnlyMemory<byte>.Empty;
        if (command.Arguments.Count == 2)
        {
            if (!SaslResponse.TryDecode(command.Arguments[1], out var initial, equalsIsEmpty: true, rejectWhiteSpace: true))
            {
                Error("the initial response is not base64");
                return true;
            }

            response = initial;
        }

        _inSasl = true;
        try
        {
            while (true)
            {
                var step = await mechanism.StepAsync(response, _stopping);
                switch (step.Kind)
                {
                    case SaslStepKind.Failure:
                        return await LoginFailedAsync($"AUTH {name}: {step.Reason}");
                    case SaslStepKind.Success when step.Data.Length == 0:
                        _inSasl = false;
                        return await OpenMaildropAsync(step.UserName!);
                }

                // A challenge; or success with data (SCRAM's "v="), which RFC 5034 section 4
                // sends as one more challenge answered by an empty response.
                _output.Line("+ " + Convert.ToBase64String(step.Data));
                var line = await ReadSaslLineAsync();
                if (line is null)
                {
                    return false;
                }

                if (line == SaslResponse.Cancel)
                {
                    _inSasl = false;
                    Error("AUTH cancelled");
                    return true;
                }

                // .NET's decoder would skip white space; POP3's base64 has none.
                if (!SaslResponse.TryDecode(line, out var decoded, rejectWhiteSpace: true))
                {
                    _inSasl = false;
                    Error("the response is not base64; AUTH ended");
                    return true;
                }

                if (step.Kind == SaslStepKind.Success)
                {
                    _inSasl = false;
                    return decoded.Length == 0 ? await OpenMaildropAsync(step.UserName!) : await LoginFailedAsync("non-empty response after success");
                }

                response = decoded;
            }
        }
        finally
        {
            _inSasl = false;
        }
    }

    /// <summary>A SASL response line (longer than a command may be); null when the client left.</summary>
    private async ValueTask<string?> ReadSaslLineAsync()
    {
        _reader.MaxLineLength = _options.MaxAuthLineLength;
        try
        {
            var line = await ReadLineAsync("a SASL response");
            return line.Status switch
            {
                LineStatus.EndOfStream => null,
                LineStatus.TooLong => "!", // not base64: ends the exchange
                _ => line.TryGetText(out var text) ? text : "!",
            };
        }
        finally
        {
            _reader.MaxLineLength = _options.MaxCommandLineLength;
        }
    }

    /// <summary>
    /// A wrong password: answered only after a pause that grows with each failure, and
    /// the session closed after <see cref="Pop3ServerOptions.MaxLoginFailures"/>.
    /// </summary>
    private async ValueTask<bool> LoginFailedAsync(string reason)
    {
        _loginFailures++;
        _errors++;
        Pop3ServerLog.LoginFailed(_server.Logger, _connection.Remote, reason);
        await _output.FlushAsync(_stopping);
        await Task.Delay(_options.LoginFailureDelay * _loginFailures, _stopping);
        if (_loginFailures >= _options.MaxLoginFailures)
        {
            await CloseWithAsync(Pop3Response.Err("too many failed logins; closing", Pop3ResponseCodes.Auth));
            return false;
        }

        _output.Response(Pop3Response.Err("authentication failed", Pop3ResponseCodes.Auth));
        return true;
    }

    private async ValueTask<bool> StlsAsync(Pop3CommandLine command)
    {
        if (command.Arguments.Count > 0)
        {
            Error("STLS takes no argument");
            return true;
        }

        if (_connection.IsTls)
        {
            Error("TLS is already on");
            return true;
        }

        if (_options.Certificate is not { } certificate)
        {
            Error("STLS is not available");
            return true;
        }

        _output.Response(Pop3Response.Ok("begin TLS negotiation"));
        await _output.FlushAsync(_stopping);

        if (!await StartTls.UpgradeServerAsync(
                _connection, _reader, certificate, _options.TlsHandshakeTimeout, "STLS",
                bytes => Pop3ServerLog.DiscardedAfterStls(_server.Logger, _connection.Remote, bytes), _stopping))
        {
            return false; // No way back to plaintext: the session ends.
        }

        _userName = null; // Nothing learnt in plaintext carries over.
        return true;
    }
}
