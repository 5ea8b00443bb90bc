using System.Globalization;
using MimeKit;

namespace NetKit.Pop3.Client;

/// <summary>The TRANSACTION state: reading and marking the maildrop's messages.</summary>
public sealed partial class Pop3Client
{
    public Task<Pop3Stat> StatAsync(CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        var response = await CommandAsync("STAT", ct);
        var words = response.Text.Split(' ');
        return words.Length >= 2 && TryNumber(words[0], out var count) && long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? new Pop3Stat(count, size)
            : throw new Pop3ProtocolException($"malformed STAT answer \"{response}\"");
    }, cancellationToken);

    /// <summary>LIST: every message not marked deleted, with its size.</summary>
    public Task<IReadOnlyList<Pop3ListEntry>> ListAsync(CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        await CommandAsync("LIST", ct);
        return (IReadOnlyList<Pop3ListEntry>)[.. (await ReadLinesAsync(ct)).Select(l => ParseScanListing(l, "LIST"))];
    }, cancellationToken);

    /// <summary>LIST msg: one message's size.</summary>
    public Task<Pop3ListEntry> ListAsync(int number, CancellationToken cancellationToken = default) => RunAsync(async ct =>
        ParseScanListing((await CommandAsync(Format("LIST", number), ct)).Text, "LIST"), cancellationToken);

    /// <summary>UIDL: every message's unique id, the same in every session.</summary>
    public Task<IReadOnlyList<Pop3UidEntry>> UidlAsync(CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        await CommandAsync("UIDL", ct);
        return (IReadOnlyList<Pop3UidEntry>)[.. (await ReadLinesAsync(ct)).Select(ParseUid)];
    }, cancellationToken);

    public Task<Pop3UidEntry> UidlAsync(int number, CancellationToken cancellationToken = default) => RunAsync(async ct =>
        ParseUid((await CommandAsync(Format("UIDL", number), ct)).Text), cancellationToken);

    /// <summary>RETR: the message exactly as the server sends it, dot-stuffing undone.</summary>
    public Task<byte[]> RetrAsync(int number, CancellationToken cancellationToken = default) => RunAsync(async ct =>
    {
        await CommandAsync(Format("RETR", number), ct);
        return await ReadBodyAsync(ct);
    }, cancellationToken);

    /// <summary>RETR, parsed by MimeKit.</summary>
    public async Task<MimeMessage> RetrMessageAsync(int number, CancellationToken cancellationToken = default)
    {
        var bytes = await RetrAsync(number, cancellationToken);
        using var stream = new MemoryStream(bytes, writable: false);
        return await MimeMessage.LoadAsync(stream, cancellationToken);
    }

    /// <summary>TOP: the header and the first <paramref name="lines"/> lines of the body.</summary>
    public Task<byte[]> TopAsync(int number, int lines, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        return RunAsync(async ct =>
        {
            await CommandAsync(Pop3CommandLine.Format("TOP", Number(number), lines.ToString(CultureInfo.InvariantCulture)), ct);
            return await ReadBodyAsync(ct);
        }, cancellationToken);
    }

    /// <summary>DELE: marks the message; the server deletes it only at QUIT.</summary>
    public Task DeleAsync(int number, CancellationToken cancellationToken = default) =>
        RunAsync(ct => CommandAsync(Format("DELE", number), ct), cancellationToken);

    /// <summary>RSET: unmarks every message marked with DELE.</summary>
    public Task RsetAsync(CancellationToken cancellationToken = default) => RunAsync(ct => CommandAsync("RSET", ct), cancellationToken);

    public Task NoopAsync(CancellationToken cancellationToken = default) => RunAsync(ct => CommandAsync("NOOP", ct), cancellationToken);

    /// <summary>
    /// RETR of many messages, pipelined when the server offers PIPELINING (RFC 2449 section 6.6):
    /// commands go out in windows and the answers are read in order. <paramref name="received"/>
    /// is called with each message as it arrives (so a caller can save it and show progress).
    /// A -ERR for one message throws after the rest of its window has been read.
    /// </summary>
    public Task RetrManyAsync(IReadOnlyList<int> numbers, Func<int, byte[], ValueTask> received, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(received);
        return RunBatchAsync(numbers, "RETR", async (number, ct) => await received(number, await ReadBodyAsync(ct)), cancellationToken);
    }

    /// <summary>DELE of many messages, pipelined when the server offers PIPELINING.</summary>
    public Task DeleManyAsync(IReadOnlyList<int> numbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        return RunBatchAsync(numbers, "DELE", (_, _) => ValueTask.CompletedTask, cancellationToken);
    }

    private async Task RunBatchAsync(IReadOnlyList<int> numbers, string keyword, Func<int, CancellationToken, ValueTask> readBody, CancellationToken cancellationToken)
    {
        var window = Capabilities.Pipelining ? Math.Max(1, _options.PipelineWindow) : 1;
        for (var start = 0; start < numbers.Count; start += window)
        {
            var chunk = numbers.Skip(start).Take(window).ToArray();
            var commands = chunk.Select(n => Format(keyword, n)).ToArray();
            await RunAsync(async ct =>
            {
                await SendBatchAsync(commands, ct);
                Pop3CommandException? first = null;
                for (var i = 0; i < chunk.Length; i++)
                {
                    var response = await ReadResponseAsync(ct);
                    if (response.IsOk)
                    {
                        await readBody(chunk[i], ct);
                    }
                    else
                    {
                        first ??= new Pop3CommandException(commands[i], response);
                    }
                }

                return first is null ? 0 : throw first;
            }, cancellationToken);
        }
    }

    private static string Format(string keyword, int number) => Pop3CommandLine.Format(keyword, Number(number));

    private static string Number(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return number.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryNumber(string text, out int number) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);

    private static Pop3ListEntry ParseScanListing(string line, string command)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 && TryNumber(words[0], out var number) && long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? new Pop3ListEntry(number, size)
            : throw new Pop3ProtocolException($"malformed {command} line \"{line}\"");
    }

    private static Pop3UidEntry ParseUid(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 && TryNumber(words[0], out var number)
            ? new Pop3UidEntry(number, words[1])
            : throw new Pop3ProtocolException($"malformed UIDL line \"{line}\"");
    }
}
