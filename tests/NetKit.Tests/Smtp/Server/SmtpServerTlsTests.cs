using NetKit.Smtp.Server;

namespace NetKit.Tests.Smtp.Server;

public class SmtpServerTlsTests
{
    [Fact]
    public async Task StartTls_plaintextInjectedAfterIt_isDiscardedNotExecuted()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { Certificate = SmtpServerHarness.Certificate });
        using var client = await server.ConnectAsync();
        Assert.Contains("\n250-STARTTLS", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);

        // The attacker's commands ride in the same packet as STARTTLS (CVE-2011-0411).
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\nRCPT TO:<x@localhost>\r\n");
        Assert.StartsWith("220 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.StartTlsAsync();

        // After TLS: the session starts over (EHLO needed) and the injected MAIL never ran.
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        var ehlo = await client.CommandAsync("EHLO c");
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<x@localhost>"), StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("over TLS\r\n."), StringComparison.Ordinal);
        var message = Assert.Single(server.Store.Messages);
        Assert.True(message.IsTls);
        Assert.Equal("a@b.example", message.ReversePath);
    }

    [Fact]
    public async Task StartTls_duringATransaction_is503()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { Certificate = SmtpServerHarness.Certificate });
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@b.example>"), StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_handshakeGarbage_endsTheSessionQuietly()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { Certificate = SmtpServerHarness.Certificate });
        using var client = await server.ConnectEhloAsync();
        Assert.StartsWith("220", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
        await client.SendAsync("EHLO this is not a TLS hello\r\n");
        Assert.True(await client.IsClosedAsync());

        using var next = await server.ConnectEhloAsync(); // The server serves on.
    }
}
