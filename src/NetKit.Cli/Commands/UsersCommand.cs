using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetKit.Mail;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit users</c>: the local users of the mail store, whose logins SMTP, POP3 and IMAP check.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Add, list and remove the mail store's users.");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateRemove());
        return command;
    }

    /// <summary>JSON for people and scripts alike: non-ASCII text (a Cyrillic subject) written as it is, not as \u escapes.</summary>
    internal static readonly JsonSerializerOptions JsonOutput = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The --data option every command reading the mail store takes.</summary>
    internal static Option<string?> DataOption() =>
        new("--data") { Description = "The data directory holding mail.db. Default: $NETKIT_DATA or ~/.local/share/netkit." };

    internal static MailStore OpenStore(ParseResult parse, Option<string?> data) =>
        MailStore.Open(CliPaths.DataDirectory(parse.GetValue(data)));

    /// <summary>For commands that only read: a missing store is an error, never an empty one created on the spot.</summary>
    internal static MailStore OpenStoreReadOnly(ParseResult parse, Option<string?> data) =>
        MailStore.OpenReadOnly(CliPaths.DataDirectory(parse.GetValue(data), create: false));

    private static Command CreateAdd()
    {
        var name = new Argument<string>("name") { Description = "The user name: 1-64 letters, digits, '.', '_' or '-' (stored in lower case)." };
        var password = new Option<string?>("--password") { Description = "The password. Without it, the password is read from stdin (not echoed on a terminal)." };
        var adopt = new Option<bool>("--adopt-mail") { Description = "Give the new user the mail already stored under NAME (a removed user's, kept with --keep-mail)." };
        var data = DataOption();
        var command = new Command("add", "Add a user; NAME's mailbox receives mail for NAME@ each local domain.");
        command.Arguments.Add(name);
        command.Options.Add(password);
        command.Options.Add(adopt);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            var secret = parse.GetValue(password) ?? ReadPassword();
            if (secret.Length == 0)
            {
                throw new UsageException("the password is empty");
            }

            await using var store = OpenStore(parse, data);
            var requested = parse.GetRequiredValue(name);
            var adoptMail = parse.GetValue(adopt);
            if (!adoptMail && await HeldMessagesAsync(store, requested, ct) is > 0 and var held)
            {
                throw new MailStoreException($"the store already holds {held} message(s) for \"{requested.ToLowerInvariant()}\" (a removed user's?): add --adopt-mail to give them to the new user");
            }

            var user = await store.AddUserAsync(requested, secret, adoptMail, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"added user {user.Name}".AsMemory(), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON array instead of plain lines." };
        var data = DataOption();
        var command = new Command("list", "Print every user and when it was added.");
        command.Options.Add(json);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            await using var store = OpenStoreReadOnly(parse, data);
            var users = await store.ListUsersAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var array = new JsonArray([.. users.Select(u => (JsonNode)new JsonObject { ["name"] = u.Name, ["created"] = u.Created.ToString("o", CultureInfo.InvariantCulture) })]);
                await output.WriteLineAsync(array.ToJsonString(JsonOutput).AsMemory(), ct);
            }
            else
            {
                foreach (var user in users)
                {
                    await output.WriteLineAsync($"{user.Name}\t{user.Created.ToString("u", CultureInfo.InvariantCulture)}".AsMemory(), ct);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRemove()
    {
        var name = new Argument<string>("name") { Description = "The user to remove, with their mail." };
        var keep = new Option<bool>("--keep-mail") { Description = "Keep the user's mail in the store (a later `users add NAME --adopt-mail` takes it over)." };
        var data = DataOption();
        var command = new Command("remove", "Remove a user and their mail.");
        command.Arguments.Add(name);
        command.Options.Add(keep);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            await using var store = OpenStore(parse, data);
            var user = parse.GetRequiredValue(name);
            if (!await store.RemoveUserAsync(user, parse.GetValue(keep), ct))
            {
                throw new MailStoreException($"no user \"{user}\"");
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"removed user {user.ToLowerInvariant()}".AsMemory(), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>How many messages the store holds for the account <paramref name="name"/> (0 for an invalid name).</summary>
    private static async Task<int> HeldMessagesAsync(MailStore store, string name, CancellationToken ct)
    {
        if (name.Length > 64 || name.Any(char.IsControl) || string.IsNullOrWhiteSpace(name))
        {
            return 0; // AddUserAsync says what is wrong with the name
        }

        return (await store.ListMailboxesAsync(name, ct)).Sum(m => m.MessageCount);
    }

    /// <summary>The first line of stdin; on a terminal, typed after a prompt and never echoed.</summary>
    private static string ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine()?.TrimEnd('\r') ?? "";
        }

        Console.Error.Write("Password: ");
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }
}
