using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetKit.Gopher;
using NetKit.Gopher.Client;
using NetKit.Transport;
using Spectre.Console;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit gopher URL`: a menu as a numbered table, a text item printed, a binary
/// item saved with -o, a search with --query; --json for scripts; -i to browse
/// (follow a number, b to go back, q to quit).
/// </summary>
internal static class GopherCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "gopher://host[:port]/Tselector[%09search] (RFC 4266; port 70 unless given, `netkit serve gopher` listens on 7070); gopher:// may be left off." };
        var output = new Option<string?>("--output", "-o") { Description = "Save the item's bytes to FILE (\"-\": standard output); needed for binary items." };
        var query = new Option<string?>("--query", "-q") { Description = "The words for a search item (type 7)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (a menu's items, or a text)." };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Browse: type an item's number to follow it, b to go back, q to quit." };
        var trace = new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines) to standard error." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the server.", DefaultValueFactory = _ => 30 };
        var command = new Command("gopher", "Fetch a Gopher menu, text or file (RFC 1436), or browse a Gopher hole.");
        command.Arguments.Add(url);
        foreach (var option in new Option[] { output, query, json, interactive, trace, timeout })
        {
            command.Options.Add(option);
        }

        CliAction.Set(command, async (parse, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0 && seconds <= 86_400))
            {
                throw new UsageException($"--timeout must be a number of seconds above 0, not {seconds}");
            }

            var target = GopherUrl.Parse(parse.GetValue(url)!);
            if (parse.GetValue(query) is { } words)
            {
                target = target with { Type = GopherItemType.Search, Search = words };
            }

            var client = new GopherClient(new GopherClientOptions
            {
                ConnectTimeout = TimeSpan.FromSeconds(seconds),
                ReadTimeout = TimeSpan.FromSeconds(seconds),
                Trace = parse.GetValue(trace) ? new WireTrace(Console.Error, TraceRole.Client) : null,
            });
            if (parse.GetValue(interactive))
            {
                return await GopherBrowser.RunAsync(client, target, Console.In, ct);
            }

            return await FetchAsync(client, target, parse.GetValue(output), parse.GetValue(json), ct);
        });
        return command;
    }

    private static async Task<int> FetchAsync(GopherClient client, GopherUrl target, string? output, bool json, CancellationToken ct)
    {
        if (output is not null)
        {
            await SaveAsync(client, target, output, ct);
            return ExitCodes.Success;
        }

        switch (target.Type)
        {
            case GopherItemType.Menu:
            case GopherItemType.Search:
                if (target.Type == GopherItemType.Search && target.Search is null)
                {
                    throw new UsageException($"{target} is a search: give the words with --query (or %09words in the URL)");
                }

                var items = await client.GetMenuAsync(target, ct);
                if (json)
                {
                    await Console.Out.WriteLineAsync(MenuJson(target, items).ToJsonString());
                }
                else
                {
                    ShowMenu(items);
                }

                return ExitCodes.Success;
            case var type when GopherItemType.IsBinary(type):
                throw new UsageException($"{target} is a {GopherItemType.Describe(type)} item: save it with -o FILE");
            case GopherItemType.Telnet or GopherItemType.Tn3270:
                throw new UsageException($"{target} is a telnet session: connect to {target.Host}:{target.Port} with a telnet client");
            case GopherItemType.Info or GopherItemType.Error:
                throw new UsageException($"{target} is an {GopherItemType.Describe(target.Type)} line, not something to fetch");
            default:
                var text = await client.GetTextAsync(target, ct);
                if (json)
                {
                    await Console.Out.WriteLineAsync(new JsonObject { ["url"] = target.ToString(), ["type"] = target.Type.ToString(), ["text"] = text }.ToJsonString());
                }
                else
                {
                    await Console.Out.WriteAsync(text);
                }

                return ExitCodes.Success;
        }
    }

    /// <summary>Saves the item's bytes as they come (a text or menu item too, as its wire form).</summary>
    internal static async Task SaveAsync(GopherClient client, GopherUrl target, string output, CancellationToken ct)
    {
        if (output == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await client.DownloadAsync(target, stdout, ct);
            return;
        }

        // Written beside the target and moved into place: a failed transfer leaves no half file.
        var full = Path.GetFullPath(output);
        var partial = full + ".part";
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var bytes = await client.DownloadAsync(target, file, ct);
                await Console.Error.WriteLineAsync($"netkit: saved {bytes.ToString(CultureInfo.InvariantCulture)} bytes to {output}");
            }

            File.Move(partial, full, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    internal static void ShowMenu(IReadOnlyList<GopherItem> items)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("#").AddColumn("type").AddColumn("title").AddColumn("where");
        var number = 0;
        foreach (var item in items)
        {
            if (item.IsInformational)
            {
                table.AddRow("", item.Type == GopherItemType.Error ? "error" : "", Markup.Escape(item.Display), "");
                continue;
            }

            number++;
            table.AddRow(number.ToString(CultureInfo.InvariantCulture), GopherItemType.Describe(item.Type), Markup.Escape(item.Display), Markup.Escape(Where(item)));
        }

        // Piped into a file or another program, a row is one line, not wrapped at 80 columns.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 1000;
        }

        AnsiConsole.Write(table);
    }

    /// <summary>The items a user can follow, numbered from 1 as <see cref="ShowMenu"/> shows them.</summary>
    internal static List<GopherItem> Links(IReadOnlyList<GopherItem> items) => items.Where(i => !i.IsInformational).ToList();

    private static string Where(GopherItem item) =>
        item.Selector.StartsWith("URL:", StringComparison.Ordinal) ? item.Selector[4..] : item.ToUrl().ToString();

    private static JsonObject MenuJson(GopherUrl url, IReadOnlyList<GopherItem> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(new JsonObject
            {
                ["type"] = item.Type.ToString(),
                ["display"] = item.Display,
                ["selector"] = item.Selector,
                ["host"] = item.Host,
                ["port"] = item.Port,
                ["url"] = item.IsInformational ? null : item.ToUrl().ToString(),
            });
        }

        return new JsonObject { ["url"] = url.ToString(), ["items"] = array };
    }
}
