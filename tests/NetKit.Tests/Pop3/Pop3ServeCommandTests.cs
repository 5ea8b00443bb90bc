using System.Globalization;
using System.Text;
using NetKit.Pop3;
using NetKit.Pop3.Client;
using NetKit.Smtp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Pop3;

/// <summary>`netkit serve pop3` as a process, beside `smtp`: mail in over SMTP, out over POP3, byte for byte.</summary>
public sealed class Pop3ServeCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("nk-pop3-serve-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task AddUserAsync(string name, string password)
    {
        var result = await NetkitCli.RunAsync("users", "add", name, "--password", password, "--data", _data);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task MailSentOverSmtp_byOurClientAndBySmtplib_isReadBackByteExactOverPop3()
    {
        await AddUserAsync("bob", "pw-of-bob");
        await using var serve = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "pop3=127.0.0.1:0", "--data", _data);
        var fromOurClient = Encoding.UTF8.GetBytes(
            "From: a@example.org\r\nTo: bob@localhost\r\nSubject: ours\r\n\r\n.a dot first\r\n..two\r\n.\r\nünïcödé\r\n");
        await using (var smtp = new SmtpClient(new SmtpClientOptions { AcceptAnyCertificate = true }))
        {
            await smtp.ConnectAsync("127.0.0.1", serve.Port("smtp"));
            await smtp.SendAsync(new SmtpEnvelope("a@example.org", "bob@localhost"), fromOurClient);
            await smtp.QuitAsync();
        }

        var fromSmtplib = "From: p@example.org\r\nTo: bob@localhost\r\nSubject: smtplib\r\n\r\n.leading dot\r\nlast line\r\n"u8.ToArray();
        var file = Path.Combine(_data, "smtplib.eml");
        await File.WriteAllBytesAsync(file, fromSmtplib);
        var sent = await InteropScripts.RunAsync("pop3_smtplib_send.py", "127.0.0.1", serve.Port("smtp").ToString(CultureInfo.InvariantCulture), "p@example.org", "bob@localhost", file);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        await using var pop3 = await Pop3Client.ConnectAsync($"127.0.0.1:{serve.Port("pop3")}", Pop3TlsMode.StartTls, new Pop3ClientOptions { AcceptAnyCertificate = true });
        await pop3.LoginAsync("bob", "pw-of-bob");
        Assert.Equal([new Pop3ListEntry(1, fromOurClient.Length), new Pop3ListEntry(2, fromSmtplib.Length)], await pop3.ListAsync());
        Assert.Equal(fromOurClient, await pop3.RetrAsync(1));
        Assert.Equal(fromSmtplib, await pop3.RetrAsync(2));
        var uids = await pop3.UidlAsync();
        await pop3.DeleAsync(1);
        await pop3.QuitAsync();

        // A restart keeps the UIDs; the deletion stuck.
        Assert.Equal(0, await serve.StopAsync());
        await using var again = await ServeProcess.StartAsync("pop3=127.0.0.1:0", "--data", _data, "--allow-plaintext-auth");
        await using var second = await Pop3Client.ConnectAsync($"127.0.0.1:{again.Port("pop3")}");
        await second.UserPassAsync("bob", "pw-of-bob");
        Assert.Equal([new Pop3UidEntry(1, uids[1].UniqueId)], await second.UidlAsync());
        Assert.Equal(fromSmtplib, await second.RetrAsync(1));
    }

    [Fact]
    public async Task Serve_pop3_refusesPlaintextPasswords_unlessAllowed_andServesImplicitTls()
    {
        await AddUserAsync("bob", "pw-of-bob");
        await using var serve = await ServeProcess.StartAsync("pop3=127.0.0.1:0", "pop3=tls://127.0.0.1:0", "--data", _data);
        using (var raw = await RawLineClient.ConnectAsync(serve.Port("pop3")))
        {
            Assert.StartsWith("+OK", await raw.ReadLineAsync());
            Assert.StartsWith("-ERR", await raw.CommandAsync("USER bob"));
            Assert.StartsWith("+OK", await raw.CommandAsync("CAPA"));
            var capa = await raw.ReadBodyAsync();
            Assert.Contains("STLS", capa);
            Assert.Contains("SASL SCRAM-SHA-256", capa);
        }

        // SCRAM shows no password, so it is offered in plaintext too.
        await using (var scram = await Pop3Client.ConnectAsync($"127.0.0.1:{serve.Port("pop3")}"))
        {
            await scram.LoginAsync("bob", "pw-of-bob");
            Assert.Equal(0, (await scram.StatAsync()).Count);
            await scram.QuitAsync();
        }

        await using var tls = await Pop3Client.ConnectAsync($"127.0.0.1:{serve.Port("pop3", "tls")}", Pop3TlsMode.Implicit, new Pop3ClientOptions { AcceptAnyCertificate = true });
        await tls.UserPassAsync("bob", "pw-of-bob");
        await using var busy = await Pop3Client.ConnectAsync($"127.0.0.1:{serve.Port("pop3")}");
        var inUse = await Assert.ThrowsAsync<Pop3CommandException>(() => busy.LoginAsync("bob", "pw-of-bob")); // one lock across both listeners
        Assert.Equal(Pop3ResponseCodes.InUse, inUse.Code);
    }
}
