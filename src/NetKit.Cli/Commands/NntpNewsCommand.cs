using System.CommandLine;
using System.Text.Json;
using NetKit.Nntp;

namespace NetKit.Cli.Commands;

/// <summary>`netkit news add-group|list`: the newsgroups of the news store (DIR/news.db) that `netkit serve nntp` serves.</summary>
internal static class NntpNewsCommand
{
    public static Command Create()
    {
        var command = new Command("news", "Manage the news store's newsgroups.");
        command.Subcommands.Add(AddGroup());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command AddGroup()
    {
        var name = new Argument<string>("name") { Description = "The group name, e.g. local.test (letters, digits, + - _ between dots)." };
        var description = new Option<string?>("--description") { Description = "What the group is for (LIST NEWSGROUPS shows it)." };
        var moderated = new Option<bool>("--moderated") { Description = "Moderated: posts need an Approved header." };
        var data = UsersCommand.DataOption();
        var command = new Command("add-group", "Create a newsgroup.");
        command.Arguments.Add(name);
        command.Options.Add(description);
        command.Options.Add(moderated);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            var group = parse.GetRequiredValue(name);
            if (!NewsStore.IsValidGroupName(group))
            {
                throw new UsageException($"\"{group}\" is not a newsgroup name (letters, digits, + - _ between dots)");
            }

            await using var store = NewsStore.Open(CliPaths.DataDirectory(parse.GetValue(data)));
            var added = await store.AddGroupAsync(group, parse.GetValue(description) ?? "", parse.GetValue(moderated), ct);
            await Console.Out.WriteLineAsync(added ? $"added group {group.ToLowerInvariant()}" : $"group {group.ToLowerInvariant()} exists already");
            return added ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON array." };
        var data = UsersCommand.DataOption();
        var command = new Command("list", "Print every newsgroup with its article count and numbers.");
        command.Options.Add(json);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            // Read-only, so it works beside a running `netkit serve` (whose writer holds the store).
            await using var store = NewsStore.OpenReadOnly(CliPaths.DataDirectory(parse.GetValue(data), create: false));
            var groups = await store.ListGroupsAsync(ct);
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(groups, UsersCommand.JsonOutput));
                return ExitCodes.Success;
            }

            foreach (var g in groups)
            {
                await Console.Out.WriteLineAsync($"{g.Name}\t{g.Count} articles\t{g.Low}-{g.High}\t{(g.Moderated ? "moderated" : "open")}\t{g.Description}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
