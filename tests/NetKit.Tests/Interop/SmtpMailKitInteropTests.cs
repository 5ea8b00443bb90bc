using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// MailKit's SmtpClient (a real, widely used .NET client) against `netkit serve smtp`.
public class SmtpMailKitInteropTests
{
    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("PLAIN")]
    public async Task MailKit_startTlsAuthenticateAndSendWithAttachment_storedByteExact(string mechanism)
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("bob", "Pa55 wörd");
        using var log = new MemoryStream();
        using var client = NewClient(server, log);
        var message = MessageWithAttachment("bob@localhost");

        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains(mechanism, client.AuthenticationMechanisms);
        client.AuthenticationMechanisms.RemoveWhere(m => m != mechanism);
        await client.AuthenticateAsync("bob", "Pa55 wörd");
        var response = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        Assert.StartsWith("2.", response, StringComparison.Ordinal);
        Assert.Contains($"AUTH {mechanism}", Log(log), StringComparison.Ordinal);
        ByteAssert.Equal(WireBytes(message), await server.SingleStoredAsync("bob"), "stored message");
    }

    [Fact]
    public async Task MailKit_chunkingOffered_sendsWithBdatAndMessageIsStoredByteExact()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");
        using var log = new MemoryStream();
        using var client = new BdatSmtpClient(new ProtocolLogger(log, leaveOpen: true));
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        var message = MessageWithAttachment("chunks@example.com");

        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Chunking), $"CHUNKING not offered: {client.Capabilities}");
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        Assert.Contains("C: BDAT ", Log(log), StringComparison.Ordinal);
        Assert.DoesNotContain("C: DATA", Log(log), StringComparison.Ordinal);
        ByteAssert.Equal(WireBytes(message), await server.SingleStoredAsync("chunks@example.com"), "stored message");
    }

    [Fact]
    public async Task MailKit_threeMessagesOverOneConnection_eachStoredForItsRecipients()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");
        using var log = new MemoryStream();
        using var client = NewClient(server, log);
        var messages = Enumerable.Range(1, 3).Select(i => MessageWithAttachment($"many{i}@example.com")).ToList();

        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        foreach (var message in messages)
        {
            await client.SendAsync(message);
        }

        await client.DisconnectAsync(quit: true);

        for (var i = 0; i < messages.Count; i++)
        {
            ByteAssert.Equal(WireBytes(messages[i]), await server.SingleStoredAsync($"many{i + 1}@example.com"), $"message {i + 1}");
        }
    }

    [Fact]
    public async Task MailKit_refusedRecipientAmongOthers_throwsNamingItAndStoresNothing()
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("bob", "pw");
        using var log = new MemoryStream();
        using var client = NewClient(server, log);
        var message = MessageWithAttachment("bob@localhost");
        message.To.Add(MailboxAddress.Parse("stranger@example.org"));

        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        await client.NoOpAsync(); // the connection goes on after the refusal (a failed NOOP would throw)

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Equal("stranger@example.org", refused.Mailbox?.Address);
        Assert.Empty(await server.ListMailAsync());
    }

    /// <summary>A client that accepts only the server's own self-signed certificate and logs the dialogue.</summary>
    private static SmtpClient NewClient(SmtpServeProcess server, MemoryStream log)
    {
        var client = new SmtpClient(new ProtocolLogger(log, leaveOpen: true));
        var expected = server.Certificate().GetCertHashString();
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == expected;
        return client;
    }

    private static MimeMessage MessageWithAttachment(string to)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Отправитель", "sender@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Отчёт с вложением";
        var attachment = new byte[5000];
        new Random(to.Length).NextBytes(attachment);
        var body = new BodyBuilder { TextBody = "Добрый день!\n.\nВо вложении бинарный файл.\n" };
        body.Attachments.Add("data.bin", attachment, new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>
    /// The message as MailKit puts it on the wire (CRLF line endings), read after the send,
    /// since sending prepares the message (transfer encodings) in place.
    /// </summary>
    private static byte[] WireBytes(MimeMessage message)
    {
        using var bytes = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, bytes);
        return bytes.ToArray();
    }

    private static string Log(MemoryStream log) => Encoding.UTF8.GetString(log.ToArray());

    /// <summary>MailKit uses BDAT only for binary content unless a subclass prefers it.</summary>
    private sealed class BdatSmtpClient(IProtocolLogger logger) : SmtpClient(logger)
    {
        protected override bool PreferSendAsBinaryData => true;
    }
}
