using NetKit.Sasl;
using NetKit.Tests.Sasl;

namespace NetKit.Tests.Mail;

// The mail store as the SASL servers' credential store: what SMTP, POP3 and IMAP logins check.
public class MailStoreSaslTests
{
    public static TheoryData<string> Mechanisms => new(SaslServer.Supported);

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task SaslServer_storedUserRightPasswordAnyCase_succeeds(string mechanism)
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "correct horse");

        var step = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "Alice", "correct horse"), SaslServer.Create(mechanism, temp.Store));

        Assert.Equal(SaslStepKind.Success, step.Kind);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task SaslServer_wrongPasswordOrUnknownUser_fails(string mechanism)
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "correct horse");

        var wrong = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "alice", "wrong horse"), SaslServer.Create(mechanism, temp.Store));
        var unknown = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "mallory", "correct horse"), SaslServer.Create(mechanism, temp.Store));

        Assert.Equal(SaslStepKind.Failure, wrong.Kind);
        Assert.Equal(SaslStepKind.Failure, unknown.Kind);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task SaslServer_nameTypedInOtherCase_successReportsTheStoredName(string mechanism)
    {
        await using var temp = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "pw");

        var step = await SaslExchange.RunAsync(SaslClient.Create(mechanism, "ALICE", "pw"), SaslServer.Create(mechanism, temp.Store));

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("alice", step.UserName);
    }

    [Fact]
    public async Task ScramServer_unknownUser_fakeSaltKeyedByTheStoreSoARestartChangesNothing()
    {
        await using var temp = TempMailStore.Create();
        await using var other = TempMailStore.Create();
        await temp.Store.AddUserAsync("alice", "pw");

        var before = (alice: await SaltAsync(temp.Store, "alice"), ghost: await SaltAsync(temp.Store, "ghost"));
        await temp.ReopenAsync();
        var after = (alice: await SaltAsync(temp.Store, "alice"), ghost: await SaltAsync(temp.Store, "ghost"));

        Assert.Equal(before, after);
        Assert.NotEqual(before.ghost, await SaltAsync(other.Store, "ghost")); // the store's secret, not the process's
        Assert.Equal(32, temp.Scalar("SELECT length(value) FROM settings WHERE name = 'scram_secret'"));
    }

    /// <summary>The salt SCRAM's server-first-message offers <paramref name="user"/>.</summary>
    private static async Task<string> SaltAsync(ISaslCredentialStore users, string user)
    {
        var step = await SaslServer.Create("SCRAM-SHA-256", users).StepAsync(SaslExchange.Bytes($"n,,n={user},r=abcdef"), CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, step.Kind);
        return SaslExchange.Text(step.Data).Split(',')[1];
    }
}
