using System.Text;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// Password guessing against `netkit serve smtp`: each failure is answered 535, then the server slows down and hangs up.
public class SmtpServerAuthGuessingTests
{
    [Fact]
    public async Task Auth_repeatedWrongPasswords_answered535ThenDisconnectedAndRightPasswordStillWorks()
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("dave", "the right one", "--allow-plaintext-auth");
        var (guesser, ehlo) = await SmtpWireClient.ConnectEhloAsync(server.Port);
        await using (guesser)
        {
            Assert.Contains(ehlo.Lines, l => l.StartsWith("AUTH ", StringComparison.Ordinal) && l.Contains("PLAIN", StringComparison.Ordinal));
            var failures = 0;
            string? end = null;
            for (var attempt = 0; attempt < 30 && end is null; attempt++)
            {
                await guesser.SendAsync($"AUTH PLAIN {Plain("dave", $"guess {attempt}")}\r\n");
                var line = await guesser.ReadLineAsync();
                if (line is null || line.StartsWith("421 ", StringComparison.Ordinal))
                {
                    end = line ?? "(closed)";
                    break;
                }

                Assert.StartsWith("535 5.7.8 ", line, StringComparison.Ordinal);
                failures++;
            }

            Assert.True(end is not null, $"still connected after {failures} wrong passwords");
            Assert.InRange(failures, 1, 20);
            Assert.DoesNotContain("235", await guesser.ReadToEndAsync(), StringComparison.Ordinal);
        }

        var (client, _) = await SmtpWireClient.ConnectEhloAsync(server.Port);
        await using var _ = client;
        SmtpServerBadInputTests.AssertReply(235, "2.7.0", await client.CommandAsync($"AUTH PLAIN {Plain("dave", "the right one")}"));
    }

    [Fact]
    public async Task Auth_loginExchangeCancelledWithStar_answers501AndSessionGoesOn()
    {
        await using var server = await SmtpServeProcess.StartWithUserAsync("dave", "pw", "--allow-plaintext-auth");
        var (client, _) = await SmtpWireClient.ConnectEhloAsync(server.Port);
        await using var _ = client;

        Assert.Equal(334, (await client.CommandAsync("AUTH LOGIN")).Code);
        // RFC 4954 section 4: the server MUST reject a cancelled AUTH with 501 (it names no enhanced code).
        SmtpServerBadInputTests.AssertReply(501, null, await client.CommandAsync("*"));
        Assert.Equal(334, (await client.CommandAsync("AUTH LOGIN")).Code);
        Assert.Equal(334, (await client.CommandAsync(Convert.ToBase64String("dave"u8))).Code);
        SmtpServerBadInputTests.AssertReply(235, "2.7.0", await client.CommandAsync(Convert.ToBase64String("pw"u8)));
    }

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
}
