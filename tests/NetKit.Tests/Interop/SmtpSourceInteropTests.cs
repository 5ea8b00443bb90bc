using System.Globalization;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

// Postfix's smtp-source (a load generator) against `netkit serve smtp`: every message it sends is stored.
public class SmtpSourceInteropTests
{
    [Fact]
    public async Task SmtpSource_200MessagesOver5ParallelSessions_everyMessageStored()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        var source = await ProcessRunner.RunAsync(
            SmtpPeers.SmtpSource,
            ["-s", "5", "-m", "200", "-l", "2048", "-f", "source@example.com", "-t", "sink@example.com", "-M", "source.example", $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(source.ExitCode == 0 && source.Stderr.Length == 0, source.ToString());
        var stored = await server.ListMailAsync("sink@example.com");
        Assert.Equal(200, stored.Count);
        Assert.Equal(200, stored.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task SmtpSource_oneSessionManyMessagesPerConnection_everyMessageStored()
    {
        await using var server = await SmtpServeProcess.StartAsync("--catch-all");

        // -d: no new connection per message: 100 transactions over one connection.
        var source = await ProcessRunner.RunAsync(
            SmtpPeers.SmtpSource,
            ["-s", "1", "-m", "100", "-l", "512", "-d", "-f", "source@example.com", "-t", "onesession@example.com", $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(source.ExitCode == 0 && source.Stderr.Length == 0, source.ToString());
        Assert.Equal(100, (await server.ListMailAsync("onesession@example.com")).Count);
    }
}
