using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.ClientSupport;

/// <summary>
/// Just enough of an SMTP server to log a client in with NetKit.Sasl's server
/// mechanisms (SCRAM-SHA-256, PLAIN, LOGIN), the SMTP framing done as RFC 4954
/// says: 334 challenges, SCRAM's server-final as a last 334 answered by an empty line.
/// </summary>
public sealed class SaslSmtpServer : LoopbackFakeServer, ISaslCredentialStore
{
    private readonly string _user;
    private readonly ScramCredential _credential;

    public SaslSmtpServer(string user, string password)
    {
        _user = user;
        _credential = ScramCredential.Create(password, iterations: 4096);
        Begin();
    }

    /// <summary>Who logged in, once someone has.</summary>
    public string? LoggedIn { get; private set; }

    public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(string.Equals(userName, _user, StringComparison.OrdinalIgnoreCase) ? _credential : null);

    protected override async Task ServeAsync(NetConnection connection)
    {
        using var reader = new LineReader(connection);
        var writer = new LineWriter(connection);
        await writer.WriteLineAsync("220 sasl.test ESMTP");
        while (await reader.ReadLineAsync() is { Status: LineStatus.Line } line)
        {
            var words = line.Text.Split(' ');
            switch (words[0].ToUpperInvariant())
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-sasl.test");
                    await writer.WriteLineAsync("250 AUTH SCRAM-SHA-256 PLAIN LOGIN");
                    break;
                case "AUTH":
                    await writer.WriteLineAsync(await AuthenticateAsync(words, reader, writer));
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
    }

    private async Task<string> AuthenticateAsync(string[] words, LineReader reader, LineWriter writer)
    {
        var mechanism = SaslServer.Create(words[1], this);
        var response = words.Length > 2 && words[2] != "=" ? Convert.FromBase64String(words[2]) : [];
        while (true)
        {
            var step = await mechanism.StepAsync(response, CancellationToken.None);
            if (step.Kind == SaslStepKind.Failure)
            {
                return "535 5.7.8 authentication failed";
            }

            if (step.Kind == SaslStepKind.Success && step.Data.Length == 0)
            {
                LoggedIn = step.UserName;
                return "235 2.7.0 authenticated";
            }

            await writer.WriteLineAsync("334 " + Convert.ToBase64String(step.Data));
            var line = (await reader.ReadLineAsync()).Text;
            if (line == "*")
            {
                return "501 5.7.0 cancelled";
            }

            if (step.Kind == SaslStepKind.Success)
            {
                // SCRAM's server-final went as a challenge; the client's empty answer ends the exchange.
                LoggedIn = step.UserName;
                return line.Length == 0 ? "235 2.7.0 authenticated" : "501 5.5.2 expected an empty response";
            }

            response = Convert.FromBase64String(line);
        }
    }
}
