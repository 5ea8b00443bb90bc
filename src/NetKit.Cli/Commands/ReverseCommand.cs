using System.CommandLine;
using NetKit.Net;
using NetKit.Services;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>`netkit reverse [--udp] [HOST[:PORT]] TEXT...`: asks the reverse server; no TEXT reads lines from stdin.</summary>
internal static class ReverseCommand
{
    public static Command Create()
    {
        var words = new Argument<string[]>("text")
        {
            Description = "[HOST:PORT] TEXT...: with two or more words, a first word that looks like an endpoint (host:port, [v6]:port, a scheme, unix:) is the server; use --server for anything else. No text: each line of stdin.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var udp = new Option<bool>("--udp", "-u") { Description = "Use datagrams (UDP, or a Unix datagram socket)." };
        var server = new Option<string?>("--server", "-s") { Description = "The server, when the text itself could look like one." };
        var trace = new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines) on stderr." };
        var command = new Command("reverse", "Send text to a reverse server and print the answer.");
        command.Arguments.Add(words);
        command.Options.Add(udp);
        command.Options.Add(server);
        command.Options.Add(trace);
        CliAction.Set(command, async (parse, ct) =>
        {
            var (where, text) = Split(parse.GetValue(words) ?? [], parse.GetValue(server));
            if (text is not null && (text.Contains('\n') || text.Contains('\r')))
            {
                throw new UsageException("the text must be one line; give several lines on stdin instead");
            }

            var transport = parse.GetValue(udp) ? SocketTransport.Udp : SocketTransport.Tcp;
            var target = NetEndpoint.Parse(where, transport, defaultPort: ReverseService.DefaultPort);
            if (transport == SocketTransport.Udp && !target.IsDatagram)
            {
                target = target.WithTransport(SocketTransport.Udp);
            }

            var wire = parse.GetValue(trace) ? new WireTrace(Console.Error, TraceRole.Client) : null;
            await using var client = await ReverseClient.ConnectAsync(target, wire, ct);
            if (text is not null)
            {
                await Console.Out.WriteLineAsync(await client.ReverseAsync(text, ct));
                return ExitCodes.Success;
            }

            while (await Console.In.ReadLineAsync(ct) is { } line)
            {
                await Console.Out.WriteLineAsync(await client.ReverseAsync(line, ct));
                await Console.Out.FlushAsync(ct);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Splits the words into the server and the text.</summary>
    internal static (string Server, string? Text) Split(string[] words, string? server)
    {
        var fallback = $"127.0.0.1:{ReverseService.DefaultPort}";
        if (server is not null)
        {
            return (server, words.Length == 0 ? null : string.Join(' ', words));
        }

        if (words.Length >= 2 && LooksLikeEndpoint(words[0]))
        {
            return (words[0], string.Join(' ', words[1..]));
        }

        return (fallback, words.Length == 0 ? null : string.Join(' ', words));
    }

    /// <summary>host:port, [v6]:port, tcp://, udp://, unix:, unixgram: — but not text such as "Re:" that merely has a colon.</summary>
    private static bool LooksLikeEndpoint(string word) =>
        word.Contains("://", StringComparison.Ordinal)
        || word.StartsWith("unix:", StringComparison.OrdinalIgnoreCase)
        || word.StartsWith("unixgram:", StringComparison.OrdinalIgnoreCase)
        || (word.LastIndexOf(':') is var colon and > 0 && colon < word.Length - 1 && NetEndpoint.TryParse(word, out _));
}
