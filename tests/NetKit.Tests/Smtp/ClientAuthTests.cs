using System.Text;
using NetKit.Smtp;
using NetKit.Tests.Smtp.ClientSupport;
using NetKit.Transport;

namespace NetKit.Tests.Smtp;

/// <summary>AUTH framing of our client against NetKit.Sasl's server mechanisms, and against a server that lies.</summary>
public class ClientAuthTests
{
    private static SmtpClientOptions Options(WireTrace? trace = null) => new()
    {
        ClientName = "client.test",
        Security = SmtpSecurity.None,
        CommandTimeout = TimeSpan.FromSeconds(10),
        Trace = trace,
    };

    [Fact]
    public async Task AuthenticateAsync_scram_isChosenFirstAndTheServerProvesItself()
    {
        await using var server = new SaslSmtpServer("alice", "correct horse");
        var trace = new StringWriter();
        await using var client = new SmtpClient(Options(new WireTrace(trace, TraceRole.Client)));
        await client.ConnectAsync("127.0.0.1", server.Port);

        await client.AuthenticateAsync("alice", "correct horse");

        Assert.True(client.IsAuthenticated);
        Assert.Equal("alice", server.LoggedIn);
        var text = trace.ToString();
        Assert.Contains("C: AUTH SCRAM-SHA-256 ********", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("n,,n=alice"))[..8], text, StringComparison.Ordinal);
        Assert.DoesNotContain("S: 334 ", text.Replace("S: 334 ********", "", StringComparison.Ordinal), StringComparison.Ordinal);
        await client.QuitAsync();
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task AuthenticateAsync_wrongPassword_isRefusedWith535(string mechanism)
    {
        await using var server = new SaslSmtpServer("alice", "correct horse");
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", server.Port);

        var ex = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync("alice", "wrong", mechanism));

        Assert.Equal(535, ex.Reply?.Code);
        Assert.Null(server.LoggedIn);
        await client.AuthenticateAsync("alice", "correct horse", mechanism);
        Assert.Equal("alice", server.LoggedIn);
    }

    [Fact]
    public async Task AuthenticateAsync_serverClaimsScramSuccessWithoutProof_closesTheConnection()
    {
        await using var server = ScriptedSmtpServer.Start("""
            S: 220 fake
            C: EHLO client.test
            S: 250-fake
            S: 250 AUTH SCRAM-SHA-256
            C* AUTH SCRAM-SHA-256
            S: 235 2.7.0 come in
            CLOSED
            """);
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", server.Port);

        var ex = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync("alice", "pw"));

        Assert.Contains("not authentic", ex.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        Assert.False(client.IsAuthenticated);
        await server.FinishAsync();
    }

    [Fact]
    public async Task AuthenticateAsync_mechanismNotOffered_failsWithoutSendingAnything()
    {
        await using var server = ScriptedSmtpServer.Start("""
            S: 220 fake
            C: EHLO client.test
            S: 250-fake
            S: 250 AUTH XOAUTH2
            C: NOOP
            S: 250 ok
            """);
        await using var client = new SmtpClient(Options());
        await client.ConnectAsync("127.0.0.1", server.Port);

        var chosen = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync("alice", "pw"));
        var named = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => client.AuthenticateAsync("alice", "pw", "PLAIN"));

        Assert.Contains("no AUTH mechanism in common", chosen.Message, StringComparison.Ordinal);
        Assert.Contains("does not offer AUTH PLAIN", named.Message, StringComparison.Ordinal);
        await client.NoopAsync();
        await server.FinishAsync();
    }
}
