using System.Text;
using System.Text.Json.Nodes;
using NetKit.Tests.Support;

namespace NetKit.Tests.Pop3;

/// <summary>Our server with real POP3 clients nobody here wrote: Python's poplib, curl, fetchmail, MailKit.</summary>
public sealed class Pop3PeerClientTests : IDisposable
{
    private static readonly string[] Messages =
    [
        "From: a@example.org\nTo: alice@localhost\nSubject: first\n\nHello.\n.dotted line\n..two dots\n",
        "From: b@example.org\nTo: alice@localhost\nSubject: =?UTF-8?B?w6lsw6hWZQ==?=\nContent-Type: text/plain; charset=utf-8\n\nSécond ünïcode body\n",
    ];

    private readonly string _temp = Directory.CreateTempSubdirectory("nk-pop3-peers-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static byte[] Wire(string message) => Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n"));

    private static Pop3TestServer StartWithMessages(Func<NetKit.Pop3.Server.Pop3ServerOptions, NetKit.Pop3.Server.Pop3ServerOptions>? configure = null, bool implicitTls = false)
    {
        var server = Pop3TestServer.Start(configure, implicitTls);
        foreach (var message in Messages)
        {
            server.AddBytes(Wire(message));
        }

        return server;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Poplib_readsEverything_andDeletesAtQuit(bool stls)
    {
        await using var server = StartWithMessages(o => o with { AllowPlaintextLogin = !stls });
        string[] extra = stls ? ["--stls", "--dele", "1"] : ["--dele", "1"];
        var run = await InteropScripts.RunAsync("pop3_poplib_client.py", ["127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", "secret", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonNode.Parse(run.Stdout)!;
        var capa = report["capa"]!.AsArray().Select(c => (string?)c).ToList();
        Assert.Contains("UIDL", capa);
        Assert.Contains("PIPELINING", capa);
        Assert.Contains("USER", capa);
        Assert.Equal(Wire(Messages[0]).Length + Wire(Messages[1]).Length, (int)report["stat"]![1]!);
        Assert.Equal([$"1 {Wire(Messages[0]).Length}", $"2 {Wire(Messages[1]).Length}"], report["list"]!.AsArray().Select(l => (string?)l));
        var messages = report["messages"]!.AsArray();
        for (var i = 0; i < Messages.Length; i++)
        {
            Assert.Equal(Wire(Messages[i]), Convert.FromBase64String((string)messages[i]!["data"]!));
            Assert.Equal(Wire(Messages[i]).Length, (int)messages[i]!["octets"]!);
        }

        Assert.Equal(["From: a@example.org", "To: alice@localhost", "Subject: first", ""], report["top"]!.AsArray().Select(l => (string?)l));
        Assert.StartsWith("-ERR", (string?)report["error"]);
        Assert.StartsWith("+OK", (string?)report["quit"]);
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
        if (stls)
        {
            Assert.StartsWith("+OK", (string?)report["stls"]);
        }
    }

    [Fact]
    public async Task Poplib_apop_logsIn()
    {
        await using var server = StartWithMessages();
        var run = await InteropScripts.RunAsync("pop3_poplib_client.py", "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", "-", "--apop", Pop3TestServer.ApopSecret);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, (int)JsonNode.Parse(run.Stdout)!["stat"]![0]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_listsAndRetrieves(bool starttls)
    {
        await using var server = StartWithMessages(o => o with { AllowPlaintextLogin = !starttls });
        var curl = PeerPrograms.Require("curl", "curl");
        string[] tls = starttls ? ["--ssl-reqd", "-k"] : [];
        var list = await ProcessRunner.RunAsync(curl, ["-sS", .. tls, "-u", "alice:secret", $"pop3://127.0.0.1:{server.Port}/"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal($"1 {Wire(Messages[0]).Length}\r\n2 {Wire(Messages[1]).Length}\r\n", list.Stdout);
        var file = Path.Combine(_temp, "2.eml");
        var retr = await ProcessRunner.RunAsync(curl, ["-sS", .. tls, "-u", "alice:secret", "-o", file, $"pop3://127.0.0.1:{server.Port}/2"]);
        Assert.True(retr.ExitCode == 0, retr.ToString());
        Assert.Equal(Wire(Messages[1]), await File.ReadAllBytesAsync(file));
        var missing = await ProcessRunner.RunAsync(curl, ["-sS", .. tls, "-u", "alice:secret", $"pop3://127.0.0.1:{server.Port}/9"]);
        Assert.NotEqual(0, missing.ExitCode);
        var wrong = await ProcessRunner.RunAsync(curl, ["-sS", .. tls, "-u", "alice:wrong", $"pop3://127.0.0.1:{server.Port}/"]);
        Assert.Equal(67, wrong.ExitCode); // CURLE_LOGIN_DENIED
    }

    [Fact]
    public async Task Curl_pop3s_implicitTls()
    {
        await using var server = StartWithMessages(o => o with { AllowPlaintextLogin = false }, implicitTls: true);
        var curl = PeerPrograms.Require("curl", "curl");
        var list = await ProcessRunner.RunAsync(curl, ["-sS", "-k", "-u", "alice:secret", $"pop3s://127.0.0.1:{server.Port}/1"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(Encoding.UTF8.GetString(Wire(Messages[0])), list.Stdout);
    }

    [Fact]
    public async Task Fetchmail_fetchesEveryMessage_andDeletesThem()
    {
        await using var server = StartWithMessages();
        var fetchmail = PeerPrograms.Require("fetchmail", "fetchmail");
        var output = Path.Combine(_temp, "out.bsmtp");
        var rc = Path.Combine(_temp, "fetchmailrc");
        await File.WriteAllTextAsync(rc, $"""
            set no syslog
            poll 127.0.0.1 service {server.Port} protocol pop3 uidl
              user "alice" there with password "secret" is "alice" here
              sslproto 'TLS1.2+' no sslcertck
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fetchmail refuses a readable rcfile
        }
        var run = await ProcessRunner.RunAsync(
            fetchmail,
            ["-f", rc, "--nodetach", "-v", "--bsmtp", output, "--pidfile", Path.Combine(_temp, "fetchmail.pid")],
            environment: new Dictionary<string, string> { ["FETCHMAILHOME"] = _temp, ["HOME"] = _temp });
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("STLS", run.Stdout + run.Stderr);
        var bsmtp = await File.ReadAllTextAsync(output);
        Assert.Contains("Subject: first", bsmtp);
        Assert.Contains("..dotted line", bsmtp);        // BSMTP stuffs again: the dot came through
        Assert.Contains("Sécond ünïcode body", bsmtp);       // 8-bit text unharmed
        Assert.Empty(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }

    [Fact]
    public async Task MailKit_readsEverything_withSasl()
    {
        await using var server = StartWithMessages();
        using var client = new MailKit.Net.Pop3.Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.Port, MailKit.Security.SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("SCRAM-SHA-256", client.AuthenticationMechanisms);
        await client.AuthenticateAsync("alice", "secret");
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Pop3.Pop3Capabilities.Pipelining));
        Assert.Equal(2, client.Count);
        var uids = await client.GetMessageUidsAsync();
        Assert.Equal(2, uids.Distinct().Count());
        var sizes = await client.GetMessageSizesAsync();
        Assert.Equal([Wire(Messages[0]).Length, Wire(Messages[1]).Length], sizes);
        var messages = await client.GetMessagesAsync([0, 1]); // pipelined by MailKit
        Assert.Equal("first", messages[0].Subject);
        Assert.Equal("élèVe", messages[1].Subject);
        Assert.Contains("Sécond ünïcode body", messages[1].TextBody, StringComparison.Ordinal);
        using (var stream = await client.GetStreamAsync(0))
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            Assert.Equal(Wire(Messages[0]), copy.ToArray());
        }

        var headers = await client.GetMessageHeadersAsync(1);
        Assert.Equal("b@example.org", headers[MimeKit.HeaderId.From]);
        await client.DeleteMessageAsync(0);
        await client.DisconnectAsync(quit: true);
        Assert.Single(server.Maildrops.MessagesOf(Pop3TestServer.User));
    }
}
