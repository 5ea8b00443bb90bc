using System.Text;
using NetKit.Sasl;

namespace NetKit.Tests.Sasl;

/// <summary>Users kept in memory, as the mail store would keep them (names case-insensitive).</summary>
internal sealed class MemoryCredentialStore : ISaslCredentialStore
{
    private readonly Dictionary<string, ScramCredential> _users = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Lookups { get; } = [];

    public MemoryCredentialStore Add(string userName, string password)
    {
        _users[userName] = ScramCredential.Create(password);
        return this;
    }

    public MemoryCredentialStore Add(string userName, ScramCredential credential)
    {
        _users[userName] = credential;
        return this;
    }

    public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        Lookups.Add(userName);
        return ValueTask.FromResult(_users.GetValueOrDefault(userName));
    }
}

internal static class SaslExchange
{
    /// <summary>
    /// Runs <paramref name="client"/> against <paramref name="server"/> the way a protocol does:
    /// initial response when the mechanism has one, challenges until Success or Failure, then
    /// the client checks the success data.
    /// </summary>
    public static async Task<SaslStep> RunAsync(SaslClientMechanism client, SaslServerMechanism server)
    {
        var response = client.SupportsInitialResponse ? client.Respond([]) : [];
        for (var round = 0; round < 10; round++)
        {
            var step = await server.StepAsync(response, CancellationToken.None);
            switch (step.Kind)
            {
                case SaslStepKind.Challenge:
                    response = client.Respond(step.Data);
                    break;
                case SaslStepKind.Success:
                    client.VerifyServerSuccess(step.Data);
                    return step;
                default:
                    return step;
            }
        }

        throw new InvalidOperationException("the exchange did not end within 10 rounds");
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
