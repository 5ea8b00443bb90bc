using System.Text;
using NetKit.Sasl;
using NetKit.Smtp;
using NetKit.Smtp.Server;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.Server;

/// <summary>Our client against our server: the codec read both ways (DATA and BDAT, STARTTLS, AUTH, per-recipient results).</summary>
public class SmtpServerLoopbackTests
{
    private sealed class OneUser : ISaslCredentialStore
    {
        private readonly ScramCredential _credential = ScramCredential.Create("pw-of-bob");

        public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
            ValueTask.FromResult(string.Equals(userName, "bob", StringComparison.OrdinalIgnoreCase) ? _credential : null);
    }

    public static TheoryData<bool> Chunking => new() { true, false };

    [Theory]
    [MemberData(nameof(Chunking))]
    public async Task Client_sendsOverStartTlsWithScram_byBdatOrData_andTheServerStoresItExactly(bool chunking)
    {
        var trace = new StringWriter();
        await using var server = SmtpServerHarness.Start(
            new SmtpServerOptions { Certificate = SmtpServerHarness.Certificate, Users = new OneUser() },
            new InMemorySmtpMessageStore(["bob", "alice"]),
            new StreamServerOptions { Trace = new WireTrace(trace, TraceRole.Server) });
        await using var client = new SmtpClient(new SmtpClientOptions { Security = SmtpSecurity.StartTls, AcceptAnyCertificate = true, PreferChunking = chunking });
        await client.ConnectAsync("127.0.0.1", server.Port);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("bob", "pw-of-bob", "SCRAM-SHA-256");
        Assert.True(client.IsAuthenticated);

        // The awkward lines: one starting with a dot, one that is only a dot.
        var message = Encoding.UTF8.GetBytes("Subject: loop\r\n\r\n.starts with a dot\r\n.\r\nlast line\r\n");
        var result = await client.SendAsync(new SmtpEnvelope("bob@localhost", "alice@localhost", "nobody@localhost", "x@elsewhere.example"), message);
        Assert.Equal(["alice@localhost"], result.Accepted.Select(r => r.Address));
        Assert.Equal([550, 550], result.Refused.Select(r => r.Reply.Code));
        await client.QuitAsync();

        var stored = Assert.Single(server.Store.Messages);
        Assert.Equal(message, stored.Data.ToArray());
        Assert.Equal("bob", stored.AuthenticatedUser);
        Assert.True(stored.IsTls);
        Assert.Contains(chunking ? "C: BDAT" : "C: DATA", trace.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-of-bob", trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_requiringStartTls_refusesAServerWithoutIt()
    {
        await using var server = SmtpServerHarness.Start();
        await using var client = new SmtpClient(new SmtpClientOptions { Security = SmtpSecurity.StartTls });
        await Assert.ThrowsAsync<SmtpSecurityException>(() => client.ConnectAsync("127.0.0.1", server.Port));
        Assert.Empty(server.Store.Messages);
    }
}
