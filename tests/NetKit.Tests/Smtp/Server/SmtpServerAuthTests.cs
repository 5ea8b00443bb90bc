using System.Net;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NetKit.Sasl;
using NetKit.Smtp.Server;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.Server;

public class SmtpServerAuthTests
{
    private sealed class Users(params (string Name, string Password)[] users) : ISaslCredentialStore
    {
        private readonly Dictionary<string, ScramCredential> _users = users.ToDictionary(u => u.Name, u => ScramCredential.Create(u.Password), StringComparer.OrdinalIgnoreCase);

        public ValueTask<ScramCredential?> FindAsync(string userName, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_users.GetValueOrDefault(userName));
    }

    private static SmtpServerOptions Options(bool plaintext = true) => new()
    {
        Users = new Users(("bob", "s3cret-pw")),
        AllowPlaintextAuth = plaintext,
        Certificate = SmtpServerHarness.Certificate,
        AuthFailureDelay = TimeSpan.FromMilliseconds(10),
    };

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Auth_plainAfterStartTls_succeeds_andOnlyOnce()
    {
        await using var server = SmtpServerHarness.Start(Options(plaintext: false));
        using var client = await server.ConnectAsync();
        Assert.DoesNotContain("AUTH", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);
        Assert.StartsWith("538 5.7.11", await client.CommandAsync("AUTH PLAIN " + B64("\0bob\0s3cret-pw")), StringComparison.Ordinal);
        Assert.StartsWith("220", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
        await client.StartTlsAsync();
        Assert.Contains("250-AUTH SCRAM-SHA-256 PLAIN LOGIN", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);
        Assert.StartsWith("235 2.7.0", await client.CommandAsync("AUTH PLAIN " + B64("\0bob\0s3cret-pw")), StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("AUTH PLAIN " + B64("\0bob\0s3cret-pw")), StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<bob@localhost>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<x@localhost>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("hi\r\n."), StringComparison.Ordinal);
        Assert.Equal("bob", Assert.Single(server.Store.Messages).AuthenticatedUser);
    }

    [Fact]
    public async Task Auth_loginChallenges_andCancel_andOutOfOrder()
    {
        await using var server = SmtpServerHarness.Start(Options());
        using var client = await server.ConnectAsync();
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("AUTH LOGIN"), StringComparison.Ordinal); // before EHLO
        Assert.Contains("AUTH SCRAM-SHA-256 PLAIN LOGIN", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);
        Assert.StartsWith("504 5.5.4", await client.CommandAsync("AUTH CRAM-MD5"), StringComparison.Ordinal);
        Assert.StartsWith("501 5.5.2", await client.CommandAsync("AUTH PLAIN !!!"), StringComparison.Ordinal);
        Assert.Equal("334 VXNlcm5hbWU6", await client.CommandAsync("AUTH LOGIN"));
        Assert.StartsWith("501 5.0.0", await client.CommandAsync("*"), StringComparison.Ordinal);
        Assert.StartsWith("334", await client.CommandAsync("AUTH LOGIN"), StringComparison.Ordinal);
        Assert.StartsWith("334", await client.CommandAsync(B64("bob")), StringComparison.Ordinal);
        Assert.StartsWith("235 2.7.0", await client.CommandAsync(B64("s3cret-pw")), StringComparison.Ordinal);

        using var other = await server.ConnectEhloAsync();
        Assert.StartsWith("250", await other.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", await other.CommandAsync("AUTH PLAIN " + B64("\0bob\0s3cret-pw")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_guessing_getsDelayed535s_thenA421AndTheServerCloses()
    {
        await using var server = SmtpServerHarness.Start(Options());
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("535 5.7.8", await client.CommandAsync("AUTH PLAIN " + B64("\0bob\0guess1")), StringComparison.Ordinal);
        Assert.StartsWith("535 5.7.8", await client.CommandAsync("AUTH PLAIN " + B64("\0nobody\0guess2")), StringComparison.Ordinal);
        Assert.StartsWith("421 4.7.0", await client.CommandAsync("AUTH PLAIN " + B64("\0bob\0guess3")), StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Auth_trace_neverShowsTheSecrets()
    {
        var output = new StringWriter();
        await using var server = SmtpServerHarness.Start(Options(), transport: new StreamServerOptions { Trace = new WireTrace(output, TraceRole.Server) });
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("235", await client.CommandAsync("AUTH PLAIN " + B64("\0bob\0s3cret-pw")), StringComparison.Ordinal);
        using var login = await server.ConnectEhloAsync();
        Assert.StartsWith("334", await login.CommandAsync("AUTH LOGIN " + B64("bob")), StringComparison.Ordinal);
        Assert.StartsWith("235", await login.CommandAsync(B64("s3cret-pw")), StringComparison.Ordinal);
        Assert.StartsWith("221", await login.CommandAsync("QUIT"), StringComparison.Ordinal);
        var trace = output.ToString();
        Assert.Contains("C: AUTH PLAIN ********", trace, StringComparison.Ordinal);
        Assert.Contains("C: ********", trace, StringComparison.Ordinal);
        Assert.DoesNotContain(B64("\0bob\0s3cret-pw"), trace, StringComparison.Ordinal);
        Assert.DoesNotContain(B64("s3cret-pw"), trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_mailKitScramSha256OverStartTls_sendsAMessage()
    {
        await using var server = SmtpServerHarness.Start(Options(plaintext: false));
        using var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await smtp.ConnectAsync(IPAddress.Loopback.ToString(), server.Port, SecureSocketOptions.StartTls);
        Assert.Contains("SCRAM-SHA-256", smtp.AuthenticationMechanisms);
        await smtp.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential("bob", "s3cret-pw")));
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@localhost"));
        message.To.Add(MailboxAddress.Parse("alice@localhost"));
        message.Subject = "scram";
        message.Body = new TextPart("plain") { Text = "over TLS, authenticated" };
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
        var stored = Assert.Single(server.Store.Messages);
        Assert.Equal("bob", stored.AuthenticatedUser);
        Assert.Contains("Subject: scram", Encoding.UTF8.GetString(stored.Data.Span), StringComparison.Ordinal);
    }
}
