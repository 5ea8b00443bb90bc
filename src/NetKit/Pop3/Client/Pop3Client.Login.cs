using System.Security.Cryptography;
using System.Text;
using NetKit.Sasl;

namespace NetKit.Pop3.Client;

/// <summary>Logging in: SASL (RFC 5034), USER/PASS and APOP (RFC 1939).</summary>
public sealed partial class Pop3Client
{
    /// <summary>RFC 2449 section 4: a command line is at most 255 octets with its CRLF.</summary>
    private const int MaxCommandLine = 255;

    /// <summary>
    /// Logs in the best way the server offers: the strongest SASL mechanism both know
    /// (SCRAM-SHA-256 first), else USER/PASS. Asks for CAPA first if nobody has yet.
    /// </summary>
    public async Task LoginAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (Capabilities == Pop3Capabilities.None)
        {
            await CapaAsync(cancellationToken);
        }

        if (SaslClient.ChooseBest(Capabilities.SaslMechanisms, userName, password) is { } mechanism)
        {
            await AuthenticateAsync(mechanism, cancellationToken);
        }
        else
        {
            await UserPassAsync(userName, password, cancellationToken);
        }
    }

    /// <summary>USER then PASS (RFC 1939 section 7). The password never reaches the trace.</summary>
    public Task UserPassAsync(string userName, string password, CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        await CommandAsync(Pop3CommandLine.Format("USER", userName), ct);
        await CommandAsync(Pop3CommandLine.Format("PASS", password), ct, secret: true);
        IsAuthenticated = true;
        return 0;
    }, cancellationToken);

    /// <summary>
    /// APOP (RFC 1939 section 7): MD5 of the greeting's timestamp and the shared secret,
    /// so the secret never crosses the wire. Only when the greeting had a timestamp.
    /// </summary>
    public Task ApopAsync(string userName, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (ApopTimestamp is null)
        {
            throw new InvalidOperationException("the server offers no APOP (its greeting has no timestamp)");
        }

        var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(ApopTimestamp + secret)));
        return RunAsync(async ct =>
        {
            await CommandAsync(Pop3CommandLine.Format("APOP", userName, digest), ct);
            IsAuthenticated = true;
            return 0;
        }, cancellationToken);
    }

    /// <summary>AUTH with the named mechanism (see <see cref="SaslClient.Supported"/>).</summary>
    public Task AuthenticateAsync(string mechanism, string userName, string password, CancellationToken cancellationToken = default) =>
        AuthenticateAsync(SaslClient.Create(mechanism, userName, password), cancellationToken);

    /// <summary>
    /// AUTH (RFC 5034): the initial response on the command line when the mechanism has
    /// one, challenges as "+ base64", the server's success data checked (SCRAM proves the
    /// server knows the password too). A mechanism failure cancels the exchange with "*"
    /// and throws a <see cref="Pop3ProtocolException"/>: a server that cannot prove itself is not talked to.
    /// </summary>
    public Task AuthenticateAsync(SaslClientMechanism mechanism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        return RunAsync(async ct =>
        {
            var command = "AUTH " + mechanism.Name;
            byte[]? heldBack = null;
            if (mechanism.SupportsInitialResponse)
            {
                var initial = mechanism.Respond([]);
                var withInitial = command + " " + SaslChallenge.EncodeInitial(initial);
                if (withInitial.Length + 2 <= MaxCommandLine)
                {
                    command = withInitial;
                }
                else
                {
                    heldBack = initial; // RFC 5034 section 4: too long for a command line; it answers the empty challenge
                }
            }

            await SendAsync(command, ct); // the trace hides an initial response (Pop3TraceRedaction)
            while (true)
            {
                var line = await ReadLineAsync(ct);
                if (line == "+" || line.StartsWith("+ ", StringComparison.Ordinal))
                {
                    byte[] answer;
                    try
                    {
                        var challenge = Decode(line.Length > 2 ? line[2..] : string.Empty);
                        if (heldBack is not null && challenge.Length == 0)
                        {
                            answer = heldBack;
                        }
                        else
                        {
                            answer = mechanism.Respond(challenge);
                        }

                        heldBack = null;
                    }
                    catch (SaslException ex)
                    {
                        await SendAsync("*", ct);
                        throw new Pop3ProtocolException($"AUTH {mechanism.Name}: {ex.Message}", ex);
                    }

                    await SendAsync(Convert.ToBase64String(answer), ct, secret: true);
                    continue;
                }

                if (!Pop3Response.TryParse(line, out var response))
                {
                    throw new Pop3ProtocolException($"the POP3 server answered AUTH with \"{Shorten(line)}\"");
                }

                Expect(response, "AUTH " + mechanism.Name);
                try
                {
                    mechanism.VerifyServerSuccess([]);
                }
                catch (SaslException ex)
                {
                    throw new Pop3ProtocolException($"AUTH {mechanism.Name}: {ex.Message}", ex);
                }

                IsAuthenticated = true;
                return 0;
            }
        }, cancellationToken);
    }

    private static byte[] Decode(string base64) =>
        SaslChallenge.TryDecode(base64, out var challenge) ? challenge : throw new Pop3ProtocolException("the POP3 server sent a SASL challenge that is not base64");
}
