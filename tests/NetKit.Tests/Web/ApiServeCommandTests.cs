using System.Text.Json;
using MimeKit;
using NetKit.Smtp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Web;

/// <summary>`netkit serve web smtp` as a process: mail sent with our SmtpClient, read back over HTTP by curl, an independent client.</summary>
public sealed class ApiServeCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("netkit-web-serve-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task ServeWebAndSmtp_curlSeesTheMessageOurClientSent()
    {
        await SmtpServeProcess.AddUserAsync(_data, "bob", "bob's password");
        await using var serve = await ServeProcess.StartAsync("web=127.0.0.1:0", "smtp=127.0.0.1:0", "--data", _data);
        var web = $"http://127.0.0.1:{serve.Port("web", "http")}";

        await using (var client = new SmtpClient(new SmtpClientOptions { ClientName = "client.test", Security = SmtpSecurity.None, CommandTimeout = TimeSpan.FromSeconds(10) }))
        {
            await client.ConnectAsync("127.0.0.1", serve.Port("smtp"));
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Алиса", "alice@example.org"));
            message.To.Add(new MailboxAddress("Bob", "bob@localhost"));
            message.Subject = "Через curl";
            message.Body = new TextPart("plain") { Text = "Привет из SmtpClient." };
            await client.SendAsync(message);
            await client.QuitAsync();
        }

        var wait = await CurlAsync($"{web}/api/messages/wait?to=bob@&timeout=10");
        Assert.Equal("Через curl", wait.GetProperty("subject").GetString());

        var list = await CurlAsync($"{web}/api/messages");
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("Алиса <alice@example.org>", item.GetProperty("from").GetString());
        Assert.Equal("Привет из SmtpClient.", item.GetProperty("preview").GetString());

        var status = await CurlAsync($"{web}/api/status");
        Assert.Equal(["web", "smtp"], status.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("service").GetString()));
        Assert.Equal(0, await serve.StopAsync());
    }

    [Fact]
    public async Task Serve_webUserWithoutPassword_isAUsageError()
    {
        var result = await NetkitCli.RunAsync(["serve", "web=127.0.0.1:0", "--data", _data, "--web-user", "admin"], timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--web-password", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> CurlAsync(string url)
    {
        var result = await ProcessRunner.RunAsync("curl", ["--silent", "--show-error", "--fail-with-body", url], timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"curl {url}: {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }
}
