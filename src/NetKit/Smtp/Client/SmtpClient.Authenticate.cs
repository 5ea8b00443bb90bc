using NetKit.Sasl;

namespace NetKit.Smtp;

/// <summary>AUTH (RFC 4954): the SMTP framing of a SASL exchange from NetKit.Sasl.</summary>
public sealed partial class SmtpClient
{
    /// <summary>No mechanism NetKit knows needs more round trips than this; a server that asks for more is stalling.</summary>
    private const int MaxChallenges = 8;

    /// <summary>Logs in with the strongest mechanism both sides know (SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN).</summary>
    public Task AuthenticateAsync(string userName, string password, CancellationToken cancellationToken = default) =>
        AuthenticateAsync(userName, password, mechanism: null, cancellationToken);

    /// <summary>
    /// Logs in with <paramref name="mechanism"/>, or the strongest one both sides
    /// know when it is null. PLAIN and LOGIN send the password itself, so they
    /// are refused without TLS unless the options allow it.
    /// </summary>
    /// <exception cref="SmtpAuthenticationException">The server refused (its reply is attached), or the exchange could not be done.</exception>
    /// <exception cref="SmtpSecurityException">The only way to log in would send the password in the clear.</exception>
    public Task AuthenticateAsync(string userName, string password, string? mechanism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        return RunAsync(step => AuthenticateCoreAsync(userName, password, mechanism, step), cancellationToken);
    }

    private async Task<bool> AuthenticateCoreAsync(string userName, string password, string? mechanism, Step step)
    {
        if (IsAuthenticated)
        {
            throw new InvalidOperationException("The client has already logged in; a session logs in once.");
        }

        var sasl = Choose(userName, password, mechanism);
        var secretInClear = sasl.Name is "PLAIN" or "LOGIN" && !IsSecure;
        if (secretInClear && !Options.AllowPlaintextAuthentication && !(Options.AllowPlaintextAuthenticationOnLoopback && _connection!.IsLocal))
        {
            throw new SmtpSecurityException(
                $"AUTH {sasl.Name} would send the password in the clear to {Remote}: use TLS (StartTls or ImplicitTls), or set AllowPlaintextAuthentication");
        }

        var command = $"AUTH {sasl.Name}";
        if (sasl.SupportsInitialResponse)
        {
            byte[] initial;
            try
            {
                initial = sasl.Respond([]);
            }
            catch (SaslException ex)
            {
                throw new SmtpAuthenticationException(ex.Message, null, ex); // Before any I/O: nothing to undo.
            }

            command += " " + SaslChallenge.EncodeInitial(initial);
        }

        var reply = await CommandAsync(command, step);
        for (var round = 0; reply.Code == 334; round++)
        {
            byte[] response;
            try
            {
                if (round == MaxChallenges)
                {
                    throw new SaslException($"the server sent more than {MaxChallenges} challenges");
                }

                response = sasl.Respond(Challenge(reply));
            }
            catch (SaslException ex)
            {
                // "*" cancels the exchange (RFC 4954 4); the server answers 501 and the session goes on.
                var cancelled = await CommandAsync("*", step);
                throw new SmtpAuthenticationException($"AUTH {sasl.Name} with {Remote} was abandoned: {ex.Message}", cancelled, ex);
            }

            reply = await CommandAsync(Convert.ToBase64String(response), step, secret: true);
        }

        if (reply.Code != 235)
        {
            throw new SmtpAuthenticationException($"the server at {Remote} refused AUTH {sasl.Name}: {Describe(reply)}", reply);
        }

        try
        {
            sasl.VerifyServerSuccess([]);
        }
        catch (SaslException ex)
        {
            // The "server" took us in without proving it knows the password: not the real one.
            await CloseAsync(abort: true);
            throw new SmtpAuthenticationException($"the server at {Remote ?? "the other end"} claimed AUTH {sasl.Name} succeeded but is not authentic: {ex.Message}; the connection was closed", null, ex);
        }

        IsAuthenticated = true;
        return true;
    }

    private SaslClientMechanism Choose(string userName, string password, string? mechanism)
    {
        var offered = Capabilities.AuthenticationMechanisms;
        if (offered.Count == 0)
        {
            throw new SmtpAuthenticationException($"the server at {Remote} does not offer AUTH{(IsSecure ? "" : " (some servers offer it only after STARTTLS)")}");
        }

        if (mechanism is null)
        {
            return SaslClient.ChooseBest(offered, userName, password)
                ?? throw new SmtpAuthenticationException(
                    $"no AUTH mechanism in common: the server offers {string.Join(' ', offered)}, NetKit knows {string.Join(' ', SaslClient.Supported)}");
        }

        if (!offered.Contains(mechanism))
        {
            throw new SmtpAuthenticationException($"the server at {Remote} does not offer AUTH {mechanism} (it offers {string.Join(' ', offered)})");
        }

        try
        {
            return SaslClient.Create(mechanism, userName, password);
        }
        catch (SaslException ex)
        {
            throw new SmtpAuthenticationException(ex.Message, null, ex);
        }
    }

    /// <summary>The decoded challenge of a 334 reply; a reply that is not base64 is a SASL failure.</summary>
    private static byte[] Challenge(SmtpReply reply) =>
        SaslChallenge.TryDecode(reply.Lines[0], out var challenge) ? challenge : throw new SaslException("the server's challenge is not base64");
}
