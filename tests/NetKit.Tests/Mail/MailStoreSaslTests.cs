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
}
