using System.Net;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NetKit.Smtp.Server;

namespace NetKit.Tests.Smtp.Server;

/// <summary>MailKit's SmtpClient (nobody here wrote it) against the server in this process: pipelining, CHUNKING, SMTPUTF8, per-recipient refusals.</summary>
public class SmtpServerMailKitTests
{
    private static MimeMessage Message(string from, string subject, string body, ContentEncoding encoding, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body, ContentTransferEncoding = encoding };
        return message;
    }

    [Fact]
    public async Task MailKit_internationalMessageToSeveralRecipients_isStoredOnce_withTheRefusedOneReported()
    {
        await using var server = SmtpServerHarness.Start(new SmtpServerOptions { LocalDomains = ["localhost", "пример.испытание"] }, new InMemorySmtpMessageStore(["bob", "анна"]));
        using var log = new MemoryStream();
        using var smtp = new SmtpClient(new ProtocolLogger(log));
        await smtp.ConnectAsync(IPAddress.Loopback.ToString(), server.Port, SecureSocketOptions.None);
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Chunking));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.UTF8));

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            smtp.SendAsync(Message("отправитель@пример.испытание", "Привет", "Тело письма.", ContentEncoding.EightBit, "анна@пример.испытание", "nobody@localhost")));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, ex.ErrorCode);
        Assert.Equal("nobody@localhost", ex.Mailbox?.Address);
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, ex.StatusCode);
        Assert.Empty(server.Store.Messages); // MailKit gives up on the whole message by default

        await smtp.SendAsync(Message("отправитель@пример.испытание", "Привет", "Тело письма.", ContentEncoding.Binary, "анна@пример.испытание", "bob@localhost"));
        await smtp.DisconnectAsync(quit: true);

        var stored = Assert.Single(server.Store.Messages);
        Assert.Equal(["анна", "bob"], stored.Recipients.Select(r => r.Account));
        Assert.True(stored.Mail.SmtpUtf8);
        Assert.Contains("Тело письма.", Encoding.UTF8.GetString(stored.Data.Span), StringComparison.Ordinal);
        var wire = Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("BODY=BINARYMIME", wire, StringComparison.Ordinal);
        Assert.Contains("C: BDAT", wire, StringComparison.Ordinal); // binary content goes by CHUNKING
    }
}
