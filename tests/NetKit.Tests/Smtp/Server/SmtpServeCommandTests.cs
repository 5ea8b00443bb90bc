using System.Text;
using NetKit.Mail;
using NetKit.Tests.Support;

namespace NetKit.Tests.Smtp.Server;

/// <summary>`netkit serve smtp` as a process: the mail store, the users, the options of contracts section 3.</summary>
public sealed class SmtpServeCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("nk-smtp-serve-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task AddUserAsync(string name, string password)
    {
        var result = await NetkitCli.RunAsync("users", "add", name, "--password", password, "--data", _data);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Serve_smtp_deliversToLocalUsersInTheStore_andRefusesUnknownsAndRelaying()
    {
        await AddUserAsync("bob", "pw-of-bob");
        await using (var serve = await ServeProcess.StartAsync("smtp=127.0.0.1:0", "--data", _data))
        {
            using var client = await SmtpWireClient.ConnectAsync(serve.Port("smtp"));
            Assert.StartsWith("220 localhost ", await client.ReadReplyAsync(), StringComparison.Ordinal);
            var ehlo = await client.CommandAsync("EHLO c");
            Assert.Contains("250-STARTTLS", ehlo, StringComparison.Ordinal);
            Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal); // plaintext, not allowed
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@example.org>"), StringComparison.Ordinal);
            Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<Bob@localhost>"), StringComparison.Ordinal);
            Assert.StartsWith("550 5.1.1", await client.CommandAsync("RCPT TO:<alice@localhost>"), StringComparison.Ordinal);
            Assert.StartsWith("550 5.7.1", await client.CommandAsync("RCPT TO:<carol@elsewhere.example>"), StringComparison.Ordinal);
            Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
            Assert.StartsWith("250 2.0.0", await client.CommandAsync("Subject: stored\r\n\r\nbody\r\n."), StringComparison.Ordinal);
            Assert.StartsWith("221", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
            Assert.Equal(0, await serve.StopAsync());
        }

        await using var store = MailStore.Open(_data);
        var message = Assert.Single(await store.ListMessagesAsync("bob"));
        Assert.Equal("Subject: stored\r\n\r\nbody\r\n", Encoding.ASCII.GetString((await store.ReadMessageAsync(message.Id))!));
    }

    [Fact]
    public async Task Serve_smtpOptions_hostNameCatchAllDomainsAndPlaintextAuthOnLoopback()
    {
        await AddUserAsync("bob", "pw-of-bob");
        await using var serve = await ServeProcess.StartAsync(
            "smtp=127.0.0.1:0", "--data", _data, "--catch-all", "--domain", "example.com", "--domain", "example.net",
            "--smtp-hostname", "mx.test.example", "--allow-plaintext-auth", "--max-message-size", "5000", "--max-recipients", "2");
        using var client = await SmtpWireClient.ConnectAsync(serve.Port("smtp"));
        Assert.StartsWith("220 mx.test.example ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var ehlo = await client.CommandAsync("EHLO c");
        Assert.Contains("250-SIZE 5000", ehlo, StringComparison.Ordinal);
        Assert.Contains("250-AUTH SCRAM-SHA-256 PLAIN LOGIN", ehlo, StringComparison.Ordinal);
        Assert.StartsWith("535", await client.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0bob\0wrong"u8.ToArray())), StringComparison.Ordinal);
        Assert.StartsWith("235", await client.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0bob\0pw-of-bob"u8.ToArray())), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<bob@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.net>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<anyone@anywhere.example>"), StringComparison.Ordinal);
        Assert.StartsWith("452 4.5.3", await client.CommandAsync("RCPT TO:<third@anywhere.example>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("Subject: two\r\n."), StringComparison.Ordinal);
        Assert.StartsWith("221", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
        Assert.Equal(0, await serve.StopAsync());

        await using var store = MailStore.Open(_data);
        Assert.Single(await store.ListMessagesAsync("bob"));
        Assert.Single(await store.ListMessagesAsync("anyone@anywhere.example"));
    }

    [Fact]
    public async Task Serve_smtpOverImplicitTls_greetsInsideTls_andOffersNoStartTls()
    {
        await using var serve = await ServeProcess.StartAsync("smtp=tls://127.0.0.1:0", "--data", _data);
        using var client = await SmtpWireClient.ConnectAsync(serve.Port("smtp", "tls"));
        await client.StartTlsAsync();
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", await client.CommandAsync("EHLO c"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-message-size", "0")]
    [InlineData("--max-recipients", "-1")]
    [InlineData("--domain", "a b")]
    [InlineData("--smtp-hostname", "")]
    public async Task Serve_badSmtpOption_isAUsageError(string option, string value)
    {
        var result = await NetkitCli.RunAsync(["serve", "smtp=127.0.0.1:0", "--data", _data, option, value], timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(2, result.ExitCode);
    }

    [Theory]
    [InlineData("--max-message-size", "1000000000", "999000000")]
    [InlineData("--max-message-size", "999000001", "999000000")]
    public async Task Serve_maxMessageSizeAboveTheStoresLimit_isAUsageErrorNamingTheLimit(string option, string value, string limit)
    {
        var result = await NetkitCli.RunAsync(["serve", "smtp=127.0.0.1:0", "--data", _data, option, value], timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(limit, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_catchAllOnAPublicAddress_isAUsageErrorUnlessCatchAllPublic()
    {
        var result = await NetkitCli.RunAsync(["serve", "smtp=0.0.0.0:0", "--data", _data, "--catch-all"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--catch-all-public", result.Stderr, StringComparison.Ordinal);

        await using var serve = await ServeProcess.StartAsync("smtp=0.0.0.0:0", "--data", _data, "--catch-all", "--catch-all-public");
        Assert.Equal(0, await serve.StopAsync());
    }

    [Theory]
    [InlineData("--catch-all")]
    [InlineData("--domain", "example.com")]
    [InlineData("--smtp-hostname", "mx.example.com")]
    [InlineData("--max-message-size", "5000")]
    [InlineData("--max-recipients", "5")]
    public async Task Serve_smtpOptionWithoutSmtp_isAUsageErrorNamingTheOption(params string[] option)
    {
        var result = await NetkitCli.RunAsync(["serve", "echo=127.0.0.1:0", .. option], timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option[0], result.Stderr, StringComparison.Ordinal);
    }
}
