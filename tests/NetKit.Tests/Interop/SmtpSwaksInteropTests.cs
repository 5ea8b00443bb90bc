using System.Globalization;
using System.Text;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// swaks (the Swiss Army Knife for SMTP) against `netkit serve smtp`, read back with `netkit mail`.
public class SmtpSwaksInteropTests
{
    [Fact]
    public async Task Swaks_plainMessage_exitsZeroAndMessageIsStored()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var swaks = await RunSwaksAsync(server, "--from", "a@example.com", "--to", "plain@example.com", "--header", "Subject: swaks plain", "--body", "Привет от swaks");

        var stored = Encoding.UTF8.GetString(await server.SingleStoredAsync("plain@example.com"));
        Assert.Contains("\r\nSubject: swaks plain\r\n", stored, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Mailer: swaks ", stored, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\nПривет от swaks\r\n", stored, StringComparison.Ordinal);
        Assert.Contains("<-  250 ", swaks.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swaks_tlsVerifiedAgainstServerCertificate_storesMessage()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var swaks = await RunSwaksAsync(server, "--tls", "--tls-verify", "--tls-ca-path", server.CertificatePemFile(), "--from", "a@example.com", "--to", "tls@example.com", "--header", "Subject: over TLS");

        Assert.Contains("-> STARTTLS", swaks.Stdout, StringComparison.Ordinal);
        Assert.Contains("=== TLS started", swaks.Stdout, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: over TLS\r\n", Encoding.UTF8.GetString(await server.SingleStoredAsync("tls@example.com")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Swaks_tlsAndAuthAsUser_authenticatesAndStoresInUsersMailbox(string mechanism)
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("carol", "pässword 1");

        var swaks = await RunSwaksAsync(server, "--tls", "--auth", mechanism, "--auth-user", "carol", "--auth-password", "pässword 1", "--from", "carol@localhost", "--to", "carol@localhost");

        Assert.Contains($"~> AUTH {mechanism}", swaks.Stdout, StringComparison.Ordinal);
        Assert.Contains("<~  235 ", swaks.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(await server.SingleStoredAsync("carol"));
    }

    [Fact]
    public async Task Swaks_authWithWrongPassword_failsWith535AndStoresNothing()
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("carol", "right");

        var swaks = await RunSwaksAsync(server, expectedExitCode: 28, "--tls", "--auth", "PLAIN", "--auth-user", "carol", "--auth-password", "wrong", "--from", "carol@localhost", "--to", "carol@localhost");

        Assert.Contains("<~* 535 5.7.8 ", swaks.Stdout, StringComparison.Ordinal);
        Assert.Empty(await server.ListMailAsync());
    }

    [Fact]
    public async Task Swaks_pipelinedTransaction_storesMessage()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var swaks = await RunSwaksAsync(server, "--pipeline", "--from", "a@example.com", "--to", "pipe1@example.com,pipe2@example.com", "--header", "Subject: pipelined");

        // swaks sends MAIL, both RCPTs and DATA in one write when the server offers PIPELINING.
        Assert.Contains("-> MAIL FROM:<a@example.com>\n -> RCPT TO:<pipe1@example.com>\n -> RCPT TO:<pipe2@example.com>\n -> DATA", swaks.Stdout, StringComparison.Ordinal);
        var first = await server.SingleStoredAsync("pipe1@example.com");
        ByteAssert.Equal(first, await server.SingleStoredAsync("pipe2@example.com"), "the copy for the second recipient");
    }

    [Fact]
    public async Task Swaks_messageFromFile_storedAsFileWithCrlfLineEndings()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");
        const string message = "From: <a@example.com>\nTo: <file@example.com>\nSubject: from a file\n\n.a line with a leading dot\n..and two\nПоследняя строка.\n";
        var file = Path.Combine(server.DataDirectory, "message.eml");
        await File.WriteAllTextAsync(file, message);

        await RunSwaksAsync(server, "--from", "a@example.com", "--to", "file@example.com", "--data", "@" + file);

        // swaks turns LF into CRLF, dot-stuffs, and ends DATA with CRLF before the dot (one more empty line).
        ByteAssert.Equal(Encoding.UTF8.GetBytes(message.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"), await server.SingleStoredAsync("file@example.com"), "stored message");
    }

    private static Task<ProcessResult> RunSwaksAsync(SmtpServeProcess server, params string[] arguments) =>
        RunSwaksAsync(server, 0, arguments);

    private static async Task<ProcessResult> RunSwaksAsync(SmtpServeProcess server, int expectedExitCode, params string[] arguments)
    {
        var swaks = await ProcessRunner.RunAsync(
            SmtpPeers.Swaks,
            ["--server", "127.0.0.1", "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--helo", "swaks.example", "--timeout", "20", .. arguments],
            timeout: TimeSpan.FromSeconds(30));
        Assert.True(swaks.ExitCode == expectedExitCode, $"expected exit code {expectedExitCode}\n{swaks}");
        return swaks;
    }
}
