using System.Globalization;
using System.Text;
using NetKit.Imap.Server;
using NetKit.Tests.Support;

namespace NetKit.Tests.Imap;

/// <summary>
/// Mutt, a real mail client, against our server in batch mode: it needs a terminal, so it runs
/// under script(1)'s pseudo-terminal, with its keys pushed by -e: go to the last message and pipe
/// it to a file, then quit.
/// </summary>
public sealed class ImapMuttInteropTests
{
    private static string Mutt => PeerPrograms.Require("mutt", "mutt");

    private static string Script => PeerPrograms.Require("script", "bsdutils");

    [Fact]
    public async Task Mutt_opensInboxOverImap_listsAndPipesTheLastMessage()
    {
        await using var harness = await ImapServerHarness.StartAsync(new ImapServerOptions { AllowPlaintextAuth = true, AuthFailureDelay = TimeSpan.Zero });
        await harness.DeliverAsync(Message("older message", "Tue, 6 Feb 2024 09:30:00 +0000", "first body"));
        await harness.DeliverAsync(Message("newest message", "Wed, 7 Feb 2024 09:30:00 +0000", "second body, read by mutt"));
        var scratch = Directory.CreateTempSubdirectory("netkit-mutt-").FullName;
        try
        {
            var url = $"imap://127.0.0.1:{harness.Port.ToString(CultureInfo.InvariantCulture)}/INBOX";
            var rc = Path.Combine(scratch, "muttrc");
            var piped = Path.Combine(scratch, "piped.eml");
            await File.WriteAllTextAsync(rc, $"""
                set imap_user=bob
                set imap_pass="{ImapServerHarness.Password}"
                set ssl_starttls=no
                set ssl_force_tls=no
                set folder=imap://127.0.0.1:{harness.Port.ToString(CultureInfo.InvariantCulture)}/
                set spoolfile={url}
                set sort=date-sent
                set mail_check=0
                set imap_keepalive=0
                """);
            var keys = $"<last-entry><pipe-message>cat > {piped}<enter><quit>";
            var result = await ProcessRunner.RunAsync(
                Script,
                ["-qec", $"{Mutt} -n -F {rc} -R -e 'push \"{keys}\"'", "/dev/null"],
                timeout: TimeSpan.FromSeconds(30),
                environment: new Dictionary<string, string> { ["TERM"] = "xterm", ["HOME"] = scratch });
            Assert.True(result.ExitCode == 0, result.ToString());
            // The index showed both messages; the last one came through whole.
            Assert.Contains("older message", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("newest message", result.Stdout, StringComparison.Ordinal);
            var message = await File.ReadAllTextAsync(piped);
            Assert.Contains("Subject: newest message", message, StringComparison.Ordinal);
            Assert.Contains("second body, read by mutt", message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static byte[] Message(string subject, string date, string body) => Encoding.ASCII.GetBytes(
        $"From: a@example.org\r\nTo: bob@localhost\r\nSubject: {subject}\r\nDate: {date}\r\n\r\n{body}\r\n");
}
