using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NetKit.Nntp.Server;
using static NetKit.Tests.Nntp.NntpServerStateTests;

namespace NetKit.Tests.Nntp;

/// <summary>The news server logs what the mail servers log: logins, failed logins, stored and refused articles.</summary>
public sealed class NntpServerLogTests
{
    [Fact]
    public async Task LoginsPostsAndRefusals_areLogged_withTheRemoteAndStableEventIds()
    {
        var log = new CapturingLogger();
        await using var server = await NntpServerHarness.StartAsync(new NntpServerOptions { AllowPlaintextAuth = true }, log);
        using var client = await server.ConnectRawAsync();
        Assert.StartsWith("381 ", await Ask(client, "AUTHINFO USER alice"), StringComparison.Ordinal);
        Assert.StartsWith("481 ", await Ask(client, "AUTHINFO PASS bad-guess-7"), StringComparison.Ordinal);
        Assert.StartsWith("381 ", await Ask(client, "AUTHINFO USER alice"), StringComparison.Ordinal);
        Assert.StartsWith("281 ", await Ask(client, "AUTHINFO PASS secret-pw"), StringComparison.Ordinal);
        var article = NntpServerHarness.Article("local.test", "logged", messageId: "<logged@example.com>");
        Assert.StartsWith("240 ", await PostAsync(client, article), StringComparison.Ordinal);
        Assert.StartsWith("441 ", await PostAsync(client, article), StringComparison.Ordinal);

        var lines = log.Entries.ToArray();
        Assert.Contains(lines, e => e.Id == 806 && e.Level == LogLevel.Information && e.Text.Contains("alice", StringComparison.Ordinal));
        Assert.Contains(lines, e => e.Id == 807 && e.Text.Contains("authenticated as alice", StringComparison.Ordinal));
        Assert.Contains(lines, e => e.Id == 800 && e.Text.Contains("<logged@example.com>", StringComparison.Ordinal) && e.Text.Contains("local.test", StringComparison.Ordinal));
        Assert.Contains(lines, e => e.Id == 802 && e.Text.Contains("POST refused: duplicate message-id", StringComparison.Ordinal));
        Assert.All(lines.Where(e => e.Id is >= 800 and < 900), e => Assert.StartsWith("nntp: 127.0.0.1:", e.Text, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, e => e.Text.Contains("secret-pw", StringComparison.Ordinal) || e.Text.Contains("bad-guess-7", StringComparison.Ordinal));
    }

    private sealed class CapturingLogger : ILogger
    {
        public ConcurrentQueue<(int Id, LogLevel Level, string Text)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
