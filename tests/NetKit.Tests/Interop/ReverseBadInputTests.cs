using System.Text;
using NetKit.Tests.Support;

namespace NetKit.Tests.Interop;

/// <summary>A `netkit serve reverse` process shared by the tests below.</summary>
public sealed class ReverseServeFixture : ServeFixture
{
    protected override string[] Arguments => ["reverse=127.0.0.1:0"];
}

// Crowds, overlong lines, bad bytes and rude clients against a running reverse server.
public class ReverseBadInputTests(ReverseServeFixture fixture) : IClassFixture<ReverseServeFixture>
{
    private static readonly string[] Graphemes =
        ["П", "А", "Л", "И", "Н", "Д", "Р", "О", "М", "ж", "ё", "👋🏽", "🇺🇦", "e\u0301", "👨‍👩‍👧", "a", "z", " "];

    private int Port => fixture.Serve.Port("reverse");

    [Fact]
    public async Task Reverse_thousandConcurrentClients_eachGetsItsOwnLineReversed()
    {
        const int clients = 1000;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var start = new SemaphoreSlim(0);

        var sessions = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var elements = LineFor(i);
            using var client = await RawLineClient.ConnectAsync(Port, deadline.Token);
            await start.WaitAsync(deadline.Token);
            await client.SendAsync(string.Concat(elements) + "\n", deadline.Token);
            var answer = await client.ReadLineAsync(deadline.Token);
            elements.Reverse();
            return (Index: i, Expected: string.Concat(elements) + "\n", Answer: answer);
        }, deadline.Token)).ToList();
        start.Release(clients);
        var results = await Task.WhenAll(sessions);

        var wrong = results.Where(r => r.Answer != r.Expected).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {clients} clients got a wrong answer, e.g. client {wrong.FirstOrDefault().Index}: \"{wrong.FirstOrDefault().Answer}\" instead of \"{wrong.FirstOrDefault().Expected}\"");
    }

    [Fact]
    public async Task Reverse_lineOf9000Bytes_answersErrorAndNextLineWorks()
    {
        using var client = await RawLineClient.ConnectAsync(Port);

        await client.SendAsync(new string('a', 9000) + "\n");
        var error = await client.ReadLineAsync();
        await client.SendAsync("ПАЛИНДРОМ\n");
        var next = await client.ReadLineAsync();

        Assert.Equal("error: line longer than 8192 bytes", error.TrimEnd('\r', '\n'));
        Assert.Equal("МОРДНИЛАП\n", next);
    }

    [Fact]
    public async Task Reverse_overlongLineSentInPieces_answersOneErrorAndNextLineWorks()
    {
        using var client = await RawLineClient.ConnectAsync(Port);

        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync(string.Concat(Enumerable.Repeat("ж", 1000)));
        }

        await client.SendAsync("\nabc\n");
        var error = await client.ReadLineAsync();
        var next = await client.ReadLineAsync();

        Assert.Equal("error: line longer than 8192 bytes", error.TrimEnd('\r', '\n'));
        Assert.Equal("cba\n", next);
    }

    [Fact]
    public async Task Reverse_lineOfExactly8192Bytes_isAnswered()
    {
        using var client = await RawLineClient.ConnectAsync(Port);

        await client.SendAsync(new string('b', 8191) + "a\n");
        var answer = await client.ReadLineAsync();

        Assert.Equal("a" + new string('b', 8191) + "\n", answer);
    }

    [Fact]
    public async Task Reverse_invalidUtf8_answersErrorNamingByteAndConnectionKeepsWorking()
    {
        using var client = await RawLineClient.ConnectAsync(Port);

        await client.SendAsync([(byte)'o', (byte)'k', 0xFF, 0xFE, (byte)'\n']);
        var error = await client.ReadLineAsync();
        await client.SendAsync("ПАЛИНДРОМ\n");
        var next = await client.ReadLineAsync();

        Assert.Equal("error: invalid UTF-8 at byte 2 (0xFF)\n", error);
        Assert.Equal("МОРДНИЛАП\n", next);
    }

    [Fact]
    public async Task Reverse_truncatedUtf8Sequence_answersErrorAndConnectionKeepsWorking()
    {
        using var client = await RawLineClient.ConnectAsync(Port);
        var bytes = Encoding.UTF8.GetBytes("дом")[..^1];

        await client.SendAsync([.. bytes, (byte)'\r', (byte)'\n']);
        var error = await client.ReadLineAsync();
        await client.SendAsync("дом\r\n");
        var next = await client.ReadLineAsync();

        Assert.StartsWith("error: invalid UTF-8 at byte 4 (0xD0)", error, StringComparison.Ordinal);
        Assert.Equal("мод\r\n", next);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reverse_clientLeavesMidLine_otherClientsAndNewClientsAreServed(bool reset)
    {
        using var steady = await RawLineClient.ConnectAsync(Port);
        await steady.SendAsync("before\n");
        Assert.Equal("erofeb\n", await steady.ReadLineAsync());

        using (var rude = await RawLineClient.ConnectAsync(Port))
        {
            await rude.SendAsync("half a li");
            await rude.SendAsync([0xD0]);
            if (reset)
            {
                rude.Reset();
            }
        }

        await steady.SendAsync("after\n");
        Assert.Equal("retfa\n", await steady.ReadLineAsync());
        using var newcomer = await RawLineClient.ConnectAsync(Port);
        await newcomer.SendAsync("ПАЛИНДРОМ\n");
        Assert.Equal("МОРДНИЛАП\n", await newcomer.ReadLineAsync());
        Assert.False(fixture.Serve.Process.HasExited, fixture.Serve.Process.Output());
        var output = fixture.Serve.Process.Stdout + fixture.Serve.Process.Stderr;
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reverse_clientHalfClosesMidLine_getsAnswerWithoutEnding()
    {
        using var client = await RawLineClient.ConnectAsync(Port);

        await client.SendAsync("line\nlast words");
        var first = await client.ReadLineAsync();
        client.ShutdownSend();
        var rest = await client.ReadToEndAsync();

        Assert.Equal("enil\n", first);
        Assert.Equal("sdrow tsal", rest);
    }

    private static List<string> LineFor(int i)
    {
        var elements = new List<string>();
        foreach (var digit in i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))
        {
            elements.Add(digit.ToString());
            elements.Add(Graphemes[(i + digit) % Graphemes.Length]);
        }

        elements.AddRange(Graphemes.Skip(i % Graphemes.Length).Take(7));
        return elements;
    }
}
