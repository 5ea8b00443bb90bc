using System.Text;
using NetKit.Mail;
using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Imap.Server;

/// <summary>STARTTLS, LOGIN and AUTHENTICATE (RFC 3501 6.2, SASL-IR RFC 4959).</summary>
internal sealed partial class ImapSession
{
    private int authFailures;

    /// <summary>A password may cross this connection: it is TLS, or plaintext is allowed and the peer is this machine.</summary>
    private bool AuthAllowed => connection.IsTls || (options.AllowPlaintextAuth && connection.IsLocal);

    private async Task<(ImapStatus, string, string?)> StartTlsAsync(string tag, ImapParser parser)
    {
        parser.End();
        if (connection.IsTls)
        {
            return Bad("TLS is already on");
        }

        if (options.Certificate is not { } certificate)
        {
            return No("STARTTLS is not available here");
        }

        output.Tagged(tag, ImapStatus.Ok, "Begin TLS negotiation now");
        await output.FlushAsync(stopping);

        if (!await StartTls.UpgradeServerAsync(
                connection, lines, certificate, options.TlsHandshakeTimeout, "STARTTLS",
                bytes => ImapServerLog.DiscardedAfterStartTls(server.Logger, connection.Remote, bytes), stopping))
        {
            state = ImapSessionState.Logout; // no way back to plaintext
        }

        return (ImapStatus.Ok, AlreadyAnswered, null);
    }

    private async Task<(ImapStatus, string, string?)> LoginAsync(ImapParser parser)
    {
        parser.Space();
        var name = parser.AString();
        parser.Space();
        var password = parser.AString();
        parser.End();
        if (!AuthAllowed)
        {
            return No("LOGIN needs TLS first (STARTTLS)", "PRIVACYREQUIRED");
        }

        var found = await Store.VerifyPasswordAsync(name, password, stopping);
        if (found is null)
        {
            return await FailLoginAsync("wrong user name or password");
        }

        return await LoggedInAsync(found, "LOGIN");
    }

    private async Task<(ImapStatus, string, string?)> AuthenticateAsync(ImapParser parser)
    {
        parser.Space();
        var mechanismName = parser.Atom();
        byte[]? initial = null;
        if (parser.TryTake(' '))
        {
            var text = parser.Atom();
            initial = SaslResponse.TryDecode(text, out var decodedInitial, equalsIsEmpty: true)
                ? decodedInitial
                : throw new ImapParseException("the initial response is not base64");
        }

        parser.End();
        if (!AuthAllowed)
        {
            return No("AUTHENTICATE needs TLS first (STARTTLS)", "PRIVACYREQUIRED");
        }

        SaslServerMechanism mechanism;
        try
        {
            mechanism = SaslServer.Create(mechanismName, Store);
        }
        catch (SaslException)
        {
            return No($"unsupported mechanism {mechanismName}", "CANNOT");
        }

        var response = initial ?? [];
        while (true)
        {
            var step = await mechanism.StepAsync(response, stopping);
            if (step.Kind == SaslStepKind.Failure)
            {
                return await FailLoginAsync(step.Reason ?? "SASL failure");
            }

            if (step.Kind == SaslStepKind.Success && step.Data.Length == 0)
            {
                var found = step.UserName is null ? null : await Store.FindUserAsync(step.UserName, stopping);
                return found is null ? await FailLoginAsync("user vanished") : await LoggedInAsync(found, mechanism.Name);
            }

            // A challenge, or SCRAM's server proof: sent as a continuation; after success data the client answers empty.
            output.Continuation(Convert.ToBase64String(step.Data));
            await output.FlushAsync(stopping);
            var line = await ReadSecretLineAsync();
            if (line is null)
            {
                state = ImapSessionState.Logout;
                return Bad("connection closed during AUTHENTICATE");
            }

            if (line == SaslResponse.Cancel)
            {
                return Bad("AUTHENTICATE cancelled");
            }

            if (!SaslResponse.TryDecode(line, out var decoded))
            {
                return Bad("the response is not base64");
            }

            if (step.Kind == SaslStepKind.Success)
            {
                var found = step.UserName is null ? null : await Store.FindUserAsync(step.UserName, stopping);
                return found is null ? await FailLoginAsync("user vanished") : await LoggedInAsync(found, mechanism.Name);
            }

            response = decoded;
        }
    }

    /// <summary>One line of a SASL exchange, kept out of the trace.</summary>
    private async Task<string?> ReadSecretLineAsync()
    {
        var trace = connection.Trace;
        connection.Trace = null;
        LineResult line;
        try
        {
            // A SASL response is part of its command: under the same autologout deadline.
            ArmDeadline();
            line = await lines.ReadLineAsync(deadline.Token);
            deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        finally
        {
            connection.Trace = trace;
        }

        trace?.Received("AUTHENTICATE response", secret: true);
        return line.Status switch
        {
            LineStatus.Line => Encoding.ASCII.GetString(line.Bytes.Span),
            LineStatus.TooLong => "",
            _ => null,
        };
    }

    private async Task<(ImapStatus, string, string?)> FailLoginAsync(string reason)
    {
        authFailures++;
        ImapServerLog.LoginFailed(server.Logger, connection.Remote, reason);
        await Task.Delay(options.AuthFailureDelay * authFailures, stopping);
        if (authFailures >= options.MaxAuthFailures)
        {
            output.Untagged("BYE too many failed logins");
            state = ImapSessionState.Logout;
        }

        return No("authentication failed", "AUTHENTICATIONFAILED");
    }

    private async Task<(ImapStatus, string, string?)> LoggedInAsync(MailUser found, string mechanism)
    {
        if (!server.TryEnterUser(found.Name))
        {
            return No($"{options.MaxConnectionsPerUser} sessions for one user is the limit", "LIMIT");
        }

        user = found;
        state = ImapSessionState.Authenticated;
        ImapServerLog.LoggedIn(server.Logger, connection.Remote, found.Name, mechanism);

        // First login: INBOX and the special-use mailboxes, subscribed, so every client finds them.
        var existing = (await Store.ListMailboxesAsync(found.Name, stopping)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var missing = options.SpecialMailboxes.Prepend(MailStore.Inbox).Where(n => !existing.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            await Store.EnsureMailboxesAsync(found.Name, missing, stopping);
            foreach (var name in missing)
            {
                await Store.SetSubscribedAsync(found.Name, name, true, stopping);
            }
        }

        return Ok("logged in", "CAPABILITY " + Capabilities());
    }
}
