using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using NetKit.Tests.Support;

namespace NetKit.Tests.Imap;

/// <summary>`netkit serve smtp imap`: mail sent over SMTP is seen over IMAP at once, byte-exact; flags persist across a restart.</summary>
public sealed class ImapServeTests
{
    [Fact]
    public async Task Serve_smtpDelivery_wakesImapIdle_andFlagsSurviveRestart()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, "bob", "pw-bob");
            string[] arguments = ["smtp=127.0.0.1:0", "imap=127.0.0.1:0", "--data", data, "--allow-plaintext-auth"];
            byte[] stored;
            await using (var serve = await ServeProcess.StartAsync(arguments))
            {
                using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
                await imap.ConnectAsync("127.0.0.1", serve.Port("imap"), SecureSocketOptions.StartTls);
                await imap.AuthenticateAsync("bob", "pw-bob");
                var inbox = imap.Inbox;
                await inbox.OpenAsync(FolderAccess.ReadWrite);
                Assert.Equal(0, inbox.Count);

                var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var done = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                inbox.CountChanged += (_, _) =>
                {
                    arrived.TrySetResult();
                    done.Cancel();
                };
                var idle = imap.IdleAsync(done.Token);

                var message = new MimeMessage([new MailboxAddress("Ann", "ann@example.org")], [new MailboxAddress("Bob", "bob@localhost")], "over smtp", new TextPart("plain") { Text = "seen over imap" });
                using (var smtp = new MailKit.Net.Smtp.SmtpClient())
                {
                    await smtp.ConnectAsync("127.0.0.1", serve.Port("smtp"), SecureSocketOptions.None);
                    await smtp.SendAsync(message);
                    await smtp.DisconnectAsync(true);
                }

                await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await idle;
                Assert.Equal(1, inbox.Count);
                using (var stream = await inbox.GetStreamAsync(new UniqueId(1), ""))
                using (var copy = new MemoryStream())
                {
                    await stream.CopyToAsync(copy);
                    stored = copy.ToArray();
                }

                Assert.Equal(stored, await SmtpServeProcess.ShowRawAsync(data, (await SmtpServeProcess.ListMailAsync(data, "bob"))[0].Id));
                Assert.Equal("over smtp", (await inbox.GetMessageAsync(0)).Subject);
                await inbox.AddFlagsAsync(0, MessageFlags.Flagged | MessageFlags.Seen, silent: true);
                await imap.DisconnectAsync(true);
                Assert.Equal(0, await serve.StopAsync());
            }

            await using (var again = await ServeProcess.StartAsync(arguments))
            {
                using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
                await imap.ConnectAsync("127.0.0.1", again.Port("imap"), SecureSocketOptions.StartTls);
                await imap.AuthenticateAsync("bob", "pw-bob");
                await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
                var summary = Assert.Single(await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.UniqueId));
                Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Flagged));
                Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Seen));
                Assert.Equal(new UniqueId(1), summary.UniqueId);
                await imap.DisconnectAsync(true);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_imapOverImplicitTls()
    {
        var data = SmtpServeProcess.NewDataDirectory();
        try
        {
            await SmtpServeProcess.AddUserAsync(data, "bob", "pw-bob");
            await using var serve = await ServeProcess.StartAsync(["imap=tls://127.0.0.1:0", "--data", data]);
            using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await imap.ConnectAsync("127.0.0.1", serve.Port("imap", "tls"), SecureSocketOptions.SslOnConnect);
            Assert.True(imap.IsSecure);
            await imap.AuthenticateAsync("bob", "pw-bob");
            var folders = await imap.GetFoldersAsync(imap.PersonalNamespaces[0]);
            Assert.Contains(folders, f => f.Name == "Archive" && f.Attributes.HasFlag(FolderAttributes.Archive));
            await imap.DisconnectAsync(true);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
