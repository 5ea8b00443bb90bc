using System.Globalization;
using System.Text;
using System.Text.Json;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// Python's smtplib (the seed's client) against `netkit serve smtp`, read back with `netkit mail`.
public class SmtpSmtplibInteropTests
{
    private static readonly Encoding Windows1251 = CodePagesEncodingProvider.Instance.GetEncoding(1251)!;

    /// <summary>The seed's message as Python 2's smtplib put it on the wire: CRLF line endings, Windows-1251 bytes.</summary>
    private static readonly byte[] SeedMessage = Windows1251.GetBytes(
        "From: Student <student@mail.ru>\r\n" +
        "To: Lecturer <rnd@onego.ru>\r\n" +
        "Subject: From Python course student\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=Windows-1251\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        "Здравствуйте! Я изучаю курс по языку Python и\r\n" +
        "отправляю письмо его автору.\r\n");

    [Fact]
    public async Task Smtplib_seedWindows1251Message_storedByteExactAndShownDecoded()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var run = await InteropScripts.RunAsync("smtp_seed_sendmail.py", "127.0.0.1", PortText(server));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("{\"refused\": {}}", run.Stdout.Trim());
        // set_debuglevel(1): the dialogue, as the seed shows it.
        Assert.Contains("send: 'mail FROM:<student@mail.ru>", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("reply: retcode (354)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("reply: retcode (221)", run.Stderr, StringComparison.Ordinal);
        var listed = Assert.Single(await server.ListMailAsync("rnd@onego.ru"));
        ByteAssert.Equal(SeedMessage, await SmtpServeProcess.ShowRawAsync(server.DataDirectory, listed.Id), "stored message");
        var shown = await SmtpServeProcess.ShowAsync(server.DataDirectory, listed.Id);
        Assert.Contains("From Python course student", shown, StringComparison.Ordinal);
        Assert.Contains("Здравствуйте! Я изучаю курс по языку Python и", shown, StringComparison.Ordinal);
        Assert.Contains("отправляю письмо его автору.", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtplib_seedPortedNaivelyWithBareLineFeeds_refusedWith554AndNothingStored()
    {
        // Python 3's sendmail() sends bytes as they are: the seed's "\n" line endings arrive bare.
        // A bare LF in DATA is refused (the SMTP smuggling defence), and the connection goes on.
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var run = await InteropScripts.RunAsync("smtp_seed_sendmail.py", "127.0.0.1", PortText(server), "--bare-lf");

        Assert.True(run.ExitCode == 3, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal(554, result.RootElement.GetProperty("error")[0].GetInt32());
        Assert.StartsWith("5.6.11 ", result.RootElement.GetProperty("error")[1].GetString(), StringComparison.Ordinal);
        Assert.Equal(250, result.RootElement.GetProperty("noop").GetInt32());
        Assert.Empty(await server.ListMailAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("LOGIN")]
    [InlineData("PLAIN")]
    public async Task Smtplib_starttlsThenLoginThenSendmailBytes_storedInUsersMailbox(string? mechanism)
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("alice", "correct horse");
        string[] arguments = ["starttls-login", "127.0.0.1", PortText(server), server.CertificatePemFile(), "alice", "correct horse", "sender@example.com", "alice@localhost"];

        var run = await InteropScripts.RunAsync("smtp_smtplib.py", mechanism is null ? arguments : [.. arguments, mechanism]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("{}", result.RootElement.GetProperty("refused")[0].GetRawText());
        Assert.StartsWith("TLSv1.", result.RootElement.GetProperty("tls_version").GetString(), StringComparison.Ordinal);
        Assert.Contains("PLAIN", result.RootElement.GetProperty("auth_offered").GetString()!.Split(' '));
        Assert.Contains("reply: retcode (235)", run.Stderr, StringComparison.Ordinal);
        ByteAssert.Equal(Sent(result)[0], await server.SingleStoredAsync("alice"), "stored message");
    }

    [Fact]
    public async Task Smtplib_sendmailBytesFromFile_storedExactlyDotsAndLongLineIncluded()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");
        var message = Windows1251.GetBytes(
            "From: <a@example.com>\r\nTo: <b@example.com>\r\nSubject: bytes\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n" +
            ".\r\n..\r\n.hidden line\r\nПривет\r\n" + new string('x', 998) + "\r\n\r\n\r\nthe end\r\n");
        var file = Path.Combine(server.DataDirectory, "message.eml");
        await File.WriteAllBytesAsync(file, message);

        var run = await InteropScripts.RunAsync("smtp_smtplib.py", "bytes", "127.0.0.1", PortText(server), "a@example.com", "b@example.com", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        ByteAssert.Equal(message, await server.SingleStoredAsync("b@example.com"), "stored message");
    }

    [Fact]
    public async Task Smtplib_sendMessageWithNonAsciiAddresses_usesSmtputf8AndIsStoredForThatAddress()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var run = await InteropScripts.RunAsync("smtp_smtplib.py", "smtputf8", "127.0.0.1", PortText(server), "пётр@пример.рф", "получатель@пример.рф");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SMTPUTF8", run.Stderr, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(run.Stdout);
        ByteAssert.Equal(Sent(result)[0], await server.SingleStoredAsync("получатель@пример.рф"), "stored message");
    }

    [Fact]
    public async Task Smtplib_fiveMessagesOverOneConnection_allStoredByteExact()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var run = await InteropScripts.RunAsync("smtp_smtplib.py", "several", "127.0.0.1", PortText(server), "5", "a@example.com", "five@example.com");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(run.Stderr.Split('\n'), l => l.StartsWith("send: 'ehlo ", StringComparison.Ordinal));
        using var result = JsonDocument.Parse(run.Stdout);
        var listed = await server.ListMailAsync("five@example.com");
        var stored = new List<byte[]>();
        foreach (var message in listed.OrderBy(m => m.Id))
        {
            stored.Add(await SmtpServeProcess.ShowRawAsync(server.DataDirectory, message.Id));
        }

        var sent = Sent(result);
        Assert.Equal(5, sent.Count);
        Assert.Equal(sent.Count, stored.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            ByteAssert.Equal(sent[i], stored[i], $"message {i + 1}");
        }
    }

    [Fact]
    public async Task Smtplib_sendmailToKnownUnknownAndForeignRecipients_refusedOnesInResultOthersDelivered()
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("alice", "pw-alice");

        var run = await InteropScripts.RunAsync("smtp_smtplib.py", "refused", "127.0.0.1", PortText(server), "sender@example.com", "alice@localhost", "nobody@localhost", "someone@example.com");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        var refused = result.RootElement.GetProperty("refused")[0];
        Assert.Equal(["nobody@localhost", "someone@example.com"], refused.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(550, refused.GetProperty("nobody@localhost")[0].GetInt32());
        Assert.StartsWith("5.1.1 ", refused.GetProperty("nobody@localhost")[1].GetString(), StringComparison.Ordinal);
        Assert.Equal(550, refused.GetProperty("someone@example.com")[0].GetInt32());
        Assert.StartsWith("5.7.1 ", refused.GetProperty("someone@example.com")[1].GetString(), StringComparison.Ordinal);
        var listed = await server.ListMailAsync();
        Assert.Equal("alice", Assert.Single(listed).Account);
        ByteAssert.Equal(Sent(result)[0], await SmtpServeProcess.ShowRawAsync(server.DataDirectory, listed[0].Id), "stored message");
    }

    private static string PortText(SmtpServeProcess server) => server.Port.ToString(CultureInfo.InvariantCulture);

    private static List<byte[]> Sent(JsonDocument result) =>
        result.RootElement.GetProperty("sent").EnumerateArray().Select(s => Convert.FromBase64String(s.GetString()!)).ToList();
}
