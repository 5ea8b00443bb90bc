using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetKit.Imap.Client;
using NetKit.Imap.Server;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit imap list|select|search|fetch|store|move|append|idle</c>: work with an IMAP mailbox
/// from the command line, as imaplib would. Messages are named by UID; every command logs in the
/// strongest way the server offers and logs out at the end.
/// </summary>
internal static class ImapCommand
{
    private sealed record Connection(
        Option<string> Server, Option<string> User, Option<string> Password,
        Option<bool> StartTls, Option<bool> Tls, Option<bool> Insecure, Option<bool> Trace, Option<bool> Json);

    public static Command Create()
    {
        var command = new Command("imap", "Work with an IMAP mailbox: list, select, search, fetch, store flags, move, append, idle.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateSelect());
        command.Subcommands.Add(CreateSearch());
        command.Subcommands.Add(CreateFetch());
        command.Subcommands.Add(CreateStore());
        command.Subcommands.Add(CreateMove());
        command.Subcommands.Add(CreateAppend());
        command.Subcommands.Add(CreateIdle());
        return command;
    }

    private static Command CreateList()
    {
        var pattern = new Argument<string>("pattern") { Description = "A LIST pattern: * is anything, % anything within one level.", DefaultValueFactory = _ => "*" };
        var (command, c) = New("list", "List the mailboxes with their attributes.");
        command.Arguments.Add(pattern);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, c, async (client, output) =>
        {
            var mailboxes = await client.ListAsync("", parse.GetValue(pattern) ?? "*", ct);
            if (parse.GetValue(c.Json))
            {
                await WriteJsonAsync(output, new JsonArray([.. mailboxes.Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m.Name,
                    ["attributes"] = new JsonArray([.. m.Attributes.Select(a => (JsonNode?)JsonValue.Create(a))]),
                })]), ct);
                return;
            }

            foreach (var mailbox in mailboxes)
            {
                await output.WriteLineAsync($"{mailbox.Name}\t{string.Join(' ', mailbox.Attributes)}".AsMemory(), ct);
            }
        }, ct));
        return command;
    }

    private static Command CreateSelect()
    {
        var mailbox = MailboxArgument();
        var (command, c) = New("select", "Show a mailbox's counts, UIDVALIDITY, UIDNEXT and flags (opened read-only).");
        command.Arguments.Add(mailbox);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, c, async (client, output) =>
        {
            var state = await client.ExamineAsync(parse.GetRequiredValue(mailbox), ct);
            if (parse.GetValue(c.Json))
            {
                await WriteJsonAsync(output, new JsonObject
                {
                    ["mailbox"] = state.Name,
                    ["exists"] = state.Exists,
                    ["recent"] = state.Recent,
                    ["uidValidity"] = state.UidValidity,
                    ["uidNext"] = state.UidNext,
                    ["flags"] = new JsonArray([.. state.Flags.Select(f => (JsonNode?)JsonValue.Create(f))]),
                }, ct);
                return;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{state.Name}: {state.Exists} messages, {state.Recent} recent, UIDVALIDITY {state.UidValidity}, UIDNEXT {state.UidNext}\nflags: {string.Join(' ', state.Flags)}").AsMemory(), ct);
        }, ct));
        return command;
    }

    private static Command CreateSearch()
    {
        var criteria = new Argument<string[]>("criteria") { Description = "IMAP search keys, e.g. UNSEEN FROM bob (default ALL).", Arity = ArgumentArity.ZeroOrMore };
        var mailbox = MailboxOption();
        var (command, c) = New("search", "Print the UIDs of the messages that match.");
        command.Arguments.Add(criteria);
        command.Options.Add(mailbox);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, c, async (client, output) =>
        {
            await client.ExamineAsync(parse.GetValue(mailbox) ?? "INBOX", ct);
            var words = parse.GetValue(criteria) ?? [];
            var uids = await client.SearchAsync(words.Length == 0 ? "ALL" : string.Join(' ', words.Select(Word)), uid: true, ct);
            if (parse.GetValue(c.Json))
            {
                await WriteJsonAsync(output, new JsonArray([.. uids.Select(u => (JsonNode?)JsonValue.Create(u))]), ct);
                return;
            }

            foreach (var uid in uids)
            {
                await output.WriteLineAsync(uid.ToString(CultureInfo.InvariantCulture).AsMemory(), ct);
            }
        }, ct));
        return command;
    }

    private static Command CreateFetch()
    {
        var set = UidSetArgument();
        var mailbox = MailboxOption();
        var outputDir = new Option<string?>("--output", "-o") { Description = "Save each message as DIR/UID.eml instead of writing one to stdout." };
        var summary = new Option<bool>("--summary") { Description = "Print UID, size, flags and subject of each message instead of its bytes." };
        var (command, c) = New("fetch", "Fetch messages by UID: one to stdout byte-exact, many into a directory, or a summary.");
        command.Arguments.Add(set);
        command.Options.Add(mailbox);
        command.Options.Add(outputDir);
        command.Options.Add(summary);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, c, async (client, output) =>
        {
            await client.ExamineAsync(parse.GetValue(mailbox) ?? "INBOX", ct);
            var uids = parse.GetRequiredValue(set);
            if (parse.GetValue(summary) || parse.GetValue(c.Json))
            {
                var found = await client.FetchAsync(uids, "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])", uid: true, ct);
                await WriteSummaryAsync(output, found, parse.GetValue(c.Json), ct);
                return;
            }

            var messages = await client.FetchAsync(uids, "(UID BODY.PEEK[])", uid: true, ct);
            var directory = parse.GetValue(outputDir);
            if (directory is null)
            {
                if (messages.Count != 1)
                {
                    throw new UsageException($"{messages.Count} messages match; fetch writes one to stdout: give one UID, or --output DIR");
                }

                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(messages[0].Sections["BODY[]"], ct);
                return;
            }

            Directory.CreateDirectory(directory);
            foreach (var message in messages)
            {
                await File.WriteAllBytesAsync(Path.Combine(directory, $"{message.Uid}.eml"), message.Sections["BODY[]"], ct);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"saved {messages.Count} messages to {directory}").AsMemory(), ct);
        }, ct));
        return command;
    }

    private static Command CreateStore()
    {
        var set = UidSetArgument();
        var mailbox = MailboxOption();
        var add = new Option<string[]>("--add") { Description = "A flag to add (\\Seen, \\Flagged, \\Deleted, a keyword); repeatable.", AllowMultipleArgumentsPerToken = true };
        var remove = new Option<string[]>("--remove") { Description = "A flag to remove; repeatable.", AllowMultipleArgumentsPerToken = true };
        var (command, c) = New("store", "Add or remove flags of messages by UID.");
        command.Arguments.Add(set);
        command.Options.Add(mailbox);
        command.Options.Add(add);
        command.Options.Add(remove);
        CliAction.Set(command, (parse, ct) =>
        {
            var adding = parse.GetValue(add) ?? [];
            var removing = parse.GetValue(remove) ?? [];
            if (adding.Length + removing.Length == 0)
            {
                throw new UsageException("give --add FLAG or --remove FLAG");
            }

            return WithClientAsync(parse, c, async (client, output) =>
            {
                await client.SelectAsync(parse.GetValue(mailbox) ?? "INBOX", ct);
                var uids = parse.GetRequiredValue(set);
                if (adding.Length > 0)
                {
                    await client.StoreFlagsAsync(uids, '+', adding, uid: true, ct);
                }

                if (removing.Length > 0)
                {
                    await client.StoreFlagsAsync(uids, '-', removing, uid: true, ct);
                }

                var found = await client.FetchAsync(uids, "(UID FLAGS)", uid: true, ct);
                foreach (var message in found)
                {
                    await output.WriteLineAsync($"{message.Uid}\t{string.Join(' ', message.Flags ?? [])}".AsMemory(), ct);
                }
            }, ct);
        });
        return command;
    }

    private static Command CreateMove()
    {
        var set = UidSetArgument();
        var target = new Argument<string>("target") { Description = "The mailbox to move them to." };
        var mailbox = MailboxOption();
        var (command, c) = New("move", "Move messages by UID to another mailbox.");
        command.Arguments.Add(set);
        command.Arguments.Add(target);
        command.Options.Add(mailbox);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, c, async (client, output) =>
        {
            await client.SelectAsync(parse.GetValue(mailbox) ?? "INBOX", ct);
            await client.MoveAsync(parse.GetRequiredValue(set), parse.GetRequiredValue(target), uid: true, ct);
            await output.WriteLineAsync($"moved {parse.GetRequiredValue(set)} to {parse.GetRequiredValue(target)}".AsMemory(), ct);
        }, ct));
        return command;
    }

    private static Command CreateAppend()
    {
        var mailbox = MailboxArgument();
        var file = new Argument<string?>("file") { Description = "The message file; none: the message is read from stdin.", Arity = ArgumentArity.ZeroOrOne };
        var flags = new Option<string[]>("--flag") { Description = "A flag the message gets (\\Seen, \\Draft ...); repeatable.", AllowMultipleArgumentsPerToken = true };
        var (command, c) = New("append", "Add a message (a file or stdin) to a mailbox, byte-exact.");
        command.Arguments.Add(mailbox);
        command.Arguments.Add(file);
        command.Options.Add(flags);
        CliAction.Set(command, async (parse, ct) =>
        {
            var path = parse.GetValue(file);
            byte[] message;
            if (path is null)
            {
                await using var stdin = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                await stdin.CopyToAsync(buffer, ct);
                message = buffer.ToArray();
            }
            else
            {
                message = await File.ReadAllBytesAsync(path, ct);
            }

            if (message.Length == 0)
            {
                throw new UsageException("the message is empty");
            }

            return await WithClientAsync(parse, c, async (client, output) =>
            {
                var uid = await client.AppendAsync(parse.GetRequiredValue(mailbox), message, parse.GetValue(flags), ct);
                await output.WriteLineAsync((uid is null ? "appended" : string.Create(CultureInfo.InvariantCulture, $"appended as UID {uid}")).AsMemory(), ct);
            }, ct);
        });
        return command;
    }

    private static Command CreateIdle()
    {
        var mailbox = MailboxOption();
        var count = new Option<int>("--count", "-n") { Description = "Stop after this many events (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var (command, c) = New("idle", "Wait in IDLE and print each change (EXISTS, EXPUNGE, FETCH) as it happens.");
        command.Options.Add(mailbox);
        command.Options.Add(count);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, c, async (client, output) =>
        {
            var wanted = parse.GetValue(count);
            if (wanted < 0)
            {
                throw new UsageException("--count cannot be negative");
            }

            await client.SelectAsync(parse.GetValue(mailbox) ?? "INBOX", ct);
            await output.WriteLineAsync("idling".AsMemory(), ct);
            await output.FlushAsync(ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var seen = 0;
            await client.IdleAsync(e =>
            {
                var line = parse.GetValue(c.Json)
                    ? new JsonObject { ["event"] = e.Kind, ["number"] = e.Number }.ToJsonString(UsersCommand.JsonOutput)
                    : string.Create(CultureInfo.InvariantCulture, $"{e.Kind} {e.Number}");
                output.WriteLine(line);
                output.Flush();
                if (wanted > 0 && ++seen >= wanted)
                {
                    stop.Cancel();
                }
            }, stop.Token, ct);
        }, ct));
        return command;
    }

    private static async Task WriteSummaryAsync(TextWriter output, IReadOnlyList<ImapFetchedMessage> found, bool json, CancellationToken ct)
    {
        var rows = found.Select(m =>
        {
            var header = m.Sections.Values.FirstOrDefault() ?? [];
            var fields = MimeKit.HeaderList.Load(new MemoryStream(header));
            return (m, Subject: fields[MimeKit.HeaderId.Subject] ?? "", From: fields[MimeKit.HeaderId.From] ?? "");
        }).ToList();
        if (json)
        {
            await WriteJsonAsync(output, new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["uid"] = r.m.Uid,
                ["size"] = r.m.Size,
                ["flags"] = new JsonArray([.. (r.m.Flags ?? []).Select(f => (JsonNode?)JsonValue.Create(f))]),
                ["internalDate"] = r.m.InternalDate?.ToString("o", CultureInfo.InvariantCulture),
                ["from"] = r.From,
                ["subject"] = r.Subject,
            })]), ct);
            return;
        }

        foreach (var (m, subject, from) in rows)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{m.Uid}\t{m.Size}\t{string.Join(' ', m.Flags ?? [])}\t{from}\t{subject}").AsMemory(), ct);
        }
    }

    private static Task WriteJsonAsync(TextWriter output, JsonNode node, CancellationToken ct) =>
        output.WriteLineAsync(node.ToJsonString(UsersCommand.JsonOutput).AsMemory(), ct);

    /// <summary>A search word as IMAP wants it: atoms as they are, anything else quoted.</summary>
    private static string Word(string word) =>
        NetKit.Imap.ImapGrammar.IsAtom(word) ? word : NetKit.Imap.ImapResponseWriter.CanQuote(word) ? NetKit.Imap.ImapResponseWriter.Quote(word) : throw new UsageException($"\"{word}\" cannot be a search word");

    private static Argument<string> MailboxArgument() => new("mailbox") { Description = "The mailbox (INBOX, Sent, a/b ...)." };

    private static Option<string?> MailboxOption() => new("--mailbox", "-m") { Description = "The mailbox (default INBOX)." };

    private static Argument<string> UidSetArgument() => new("uids") { Description = "UIDs: 5, 1:10, 3,7:*." };

    private static (Command Command, Connection Connection) New(string name, string description)
    {
        var connection = new Connection(
            new Option<string>("--server", "-s") { Description = "HOST[:PORT] of the IMAP server (port 1143 when none is given).", Required = true },
            new Option<string>("--user", "-u") { Description = "The user name.", Required = true },
            new Option<string>("--password", "-p") { Description = "The password.", Required = true },
            new Option<bool>("--starttls") { Description = "Upgrade to TLS with STARTTLS before logging in (required)." },
            new Option<bool>("--tls") { Description = "TLS from the first byte (IMAPS)." },
            new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (self-signed test servers)." },
            new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines, passwords hidden) on stderr." },
            new Option<bool>("--json") { Description = "Print JSON instead of text." });
        var command = new Command(name, description);
        foreach (var option in new Option[] { connection.Server, connection.User, connection.Password, connection.StartTls, connection.Tls, connection.Insecure, connection.Trace, connection.Json })
        {
            command.Options.Add(option);
        }

        return (command, connection);
    }

    /// <summary>Connects, logs in, runs <paramref name="work"/>, and logs out.</summary>
    private static async Task<int> WithClientAsync(ParseResult parse, Connection c, Func<ImapClient, TextWriter, Task> work, CancellationToken ct)
    {
        if (parse.GetValue(c.StartTls) && parse.GetValue(c.Tls))
        {
            throw new UsageException("--starttls and --tls: choose one");
        }

        var security = parse.GetValue(c.Tls) ? ImapSecurity.Tls : parse.GetValue(c.StartTls) ? ImapSecurity.StartTls : ImapSecurity.StartTlsWhenAvailable;
        var endpoint = NetEndpoint.Parse(parse.GetRequiredValue(c.Server), SocketTransport.Tcp, defaultPort: ImapServer.DefaultPort);
        await using var client = new ImapClient(new ImapClientOptions
        {
            Security = security,
            AcceptAnyCertificate = parse.GetValue(c.Insecure),
            // Without TLS the password crosses the wire in the clear: allowed only to this machine.
            AllowPlaintextLogin = endpoint.Host is "127.0.0.1" or "::1" or "localhost",
            Trace = parse.GetValue(c.Trace) ? new WireTrace(Console.Error, TraceRole.Client) : null,
        });
        await client.ConnectAsync(endpoint, ct);
        await client.LoginAsync(parse.GetRequiredValue(c.User), parse.GetRequiredValue(c.Password), ct);
        await work(client, parse.InvocationConfiguration.Output);
        await client.LogoutAsync(ct);
        return ExitCodes.Success;
    }
}
