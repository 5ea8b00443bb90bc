using System.Globalization;
using NetKit.Gopher;
using NetKit.Gopher.Client;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit gopher -i`: shows a menu, reads a number to follow, <c>b</c> to go back,
/// <c>q</c> (or the end of input) to quit. Text items are printed; searches ask
/// for their words; binary items are saved under a name the user gives.
/// </summary>
internal static class GopherBrowser
{
    public static async Task<int> RunAsync(GopherClient client, GopherUrl start, TextReader input, CancellationToken ct)
    {
        var history = new Stack<GopherUrl>();
        var current = start;
        IReadOnlyList<GopherItem> menu = [];
        var show = true;
        while (true)
        {
            if (show)
            {
                try
                {
                    menu = await ShowAsync(client, current, input, ct);
                }
                catch (NetKitException ex) when (history.Count > 0)
                {
                    // A bad link is not the end of the session: say so and stay where we were.
                    await Console.Error.WriteLineAsync($"netkit: {ex.Message}");
                    current = history.Pop();
                    menu = await ShowAsync(client, current, input, ct);
                }
            }

            show = false;
            await Console.Out.WriteAsync("gopher> (number, b = back, q = quit) ");
            await Console.Out.FlushAsync(ct);
            var answer = (await input.ReadLineAsync(ct))?.Trim();
            await Console.Out.WriteLineAsync();
            if (answer is null || answer == "q")
            {
                return ExitCodes.Success;
            }

            if (answer == "b")
            {
                if (history.Count == 0)
                {
                    await Console.Out.WriteLineAsync("(this is where you started)");
                    continue;
                }

                current = history.Pop();
                show = true;
                continue;
            }

            var links = GopherCommand.Links(menu);
            if (!int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > links.Count)
            {
                await Console.Out.WriteLineAsync(links.Count == 0 ? "(nothing to follow here: b or q)" : $"(a number from 1 to {links.Count}, b or q)");
                continue;
            }

            var item = links[number - 1];
            if (GopherItemType.IsBinary(item.Type))
            {
                await SaveAsync(client, item.ToUrl(), input, ct);
                continue;
            }

            if (item.Type is GopherItemType.Telnet or GopherItemType.Tn3270 || item.Selector.StartsWith("URL:", StringComparison.Ordinal))
            {
                await Console.Out.WriteLineAsync($"(not a Gopher item: {(item.Selector.StartsWith("URL:", StringComparison.Ordinal) ? item.Selector[4..] : $"telnet {item.Host} {item.Port}")})");
                continue;
            }

            history.Push(current);
            current = item.ToUrl();
            show = true;
        }
    }

    /// <summary>Shows the item at <paramref name="url"/>: a menu (returned, to pick from), a text, or a search's results.</summary>
    private static async Task<IReadOnlyList<GopherItem>> ShowAsync(GopherClient client, GopherUrl url, TextReader input, CancellationToken ct)
    {
        await Console.Out.WriteLineAsync($"== {url}");
        if (url.Type == GopherItemType.Search && url.Search is null)
        {
            await Console.Out.WriteAsync("search for: ");
            await Console.Out.FlushAsync(ct);
            var words = await input.ReadLineAsync(ct) ?? "";
            url = url with { Search = words };
        }

        if (url.Type is GopherItemType.Menu or GopherItemType.Search)
        {
            var items = await client.GetMenuAsync(url, ct);
            GopherCommand.ShowMenu(items);
            return items;
        }

        await Console.Out.WriteAsync(await client.GetTextAsync(url, ct));
        return [];
    }

    private static async Task SaveAsync(GopherClient client, GopherUrl url, TextReader input, CancellationToken ct)
    {
        await Console.Out.WriteAsync($"save {url} as (empty: skip): ");
        await Console.Out.FlushAsync(ct);
        var name = (await input.ReadLineAsync(ct))?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        try
        {
            await GopherCommand.SaveAsync(client, url, name, ct);
        }
        catch (Exception ex) when (ex is NetKitException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"netkit: {ex.Message}");
        }
    }
}
