using System.CommandLine;
using System.Globalization;
using NetKit.Pop3.Client;
using NetKit.Transport;
using Spectre.Console;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit pop3 list|retr|top|dele|uidl</c>: read a POP3 maildrop, as poplib would, from
/// the command line. Logs in the strongest way the server offers and always ends with
/// QUIT, so DELE takes effect and nothing else changes.
/// </summary>
internal static class Pop3Command
{
    private sealed record Connection(
        Option<string> Server, Option<string> User, Option<string> Password,
        Option<bool> StartTls, Option<bool> Tls, Option<bool> Insecure, Option<bool> Trace);

    public static Command Create()
    {
        var command = new Command("pop3", "Read a POP3 maildrop: list, retrieve, show the top of, delete messages.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateUidl());
        command.Subcommands.Add(CreateRetr());
        command.Subcommands.Add(CreateTop());
        command.Subcommands.Add(CreateDele());
        return command;
    }

    private static Command CreateList() =>
        CreateListing("list", "Print each message's number and size in octets.", async (client, ct) =>
            (await client.ListAsync(ct)).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Number}\t{e.Size}")));

    private static Command CreateUidl() =>
        CreateListing("uidl", "Print each message's number and unique id.", async (client, ct) =>
            (await client.UidlAsync(ct)).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Number}\t{e.UniqueId}")));

    /// <summary>A command that prints one line per message.</summary>
    private static Command CreateListing(string name, string description, Func<Pop3Client, CancellationToken, Task<IEnumerable<string>>> lines)
    {
        var (command, connection) = New(name, description);
        CliAction.Set(command, (parse, ct) => WithClientAsync(parse, connection, async (client, output) =>
        {
            foreach (var line in await lines(client, ct))
            {
                await output.WriteLineAsync(line.AsMemory(), ct);
            }
        }, ct));
        return command;
    }

    private static Command CreateRetr()
    {
        var numbers = new Argument<int[]>("numbers") { Description = "Message numbers; none with --output: every message.", Arity = ArgumentArity.ZeroOrMore };
        var outputDir = new Option<string?>("--output", "-o") { Description = "Save each message as DIR/NUMBER.eml instead of writing one to stdout." };
        var (command, connection) = New("retr", "Retrieve messages: one to stdout as it is, or many into a directory.");
        command.Arguments.Add(numbers);
        command.Options.Add(outputDir);
        CliAction.Set(command, (parse, ct) =>
        {
            var wanted = parse.GetValue(numbers) ?? [];
            var directory = parse.GetValue(outputDir);
            if (directory is null && wanted.Length != 1)
            {
                throw new UsageException("retr writes one message to stdout; give one number, or --output DIR for several");
            }

            CheckNumbers(wanted);
            return WithClientAsync(parse, connection, async (client, output) =>
            {
                if (directory is null)
                {
                    await WriteStdoutAsync(await client.RetrAsync(wanted[0], ct), ct);
                    return;
                }

                Directory.CreateDirectory(directory);
                IReadOnlyList<int> all = wanted.Length > 0 ? wanted : [.. (await client.ListAsync(ct)).Select(e => e.Number)];
                var saved = await SaveAllAsync(client, all, directory, ct);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"saved {all.Count} messages ({saved} bytes) to {directory}").AsMemory(), ct);
            }, ct);
        });
        return command;
    }

    private static Command CreateTop()
    {
        var number = new Argument<int>("number") { Description = "The message number." };
        var lines = new Option<int>("--lines", "-n") { Description = "Lines of the body after the header.", DefaultValueFactory = _ => 0 };
        var (command, connection) = New("top", "Print a message's header and the first lines of its body.");
        command.Arguments.Add(number);
        command.Options.Add(lines);
        CliAction.Set(command, (parse, ct) =>
        {
            CheckNumbers([parse.GetValue(number)]);
            if (parse.GetValue(lines) < 0)
            {
                throw new UsageException("--lines cannot be negative");
            }

            return WithClientAsync(parse, connection, async (client, _) =>
                await WriteStdoutAsync(await client.TopAsync(parse.GetValue(number), parse.GetValue(lines), ct), ct), ct);
        });
        return command;
    }

    private static Command CreateDele()
    {
        var numbers = new Argument<int[]>("numbers") { Description = "Message numbers to delete.", Arity = ArgumentArity.OneOrMore };
        var (command, connection) = New("dele", "Delete messages (the server removes them when the session ends with QUIT).");
        command.Arguments.Add(numbers);
        CliAction.Set(command, (parse, ct) =>
        {
            var wanted = parse.GetValue(numbers) ?? [];
            CheckNumbers(wanted);
            return WithClientAsync(parse, connection, async (client, output) =>
            {
                await client.DeleManyAsync(wanted, ct);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"deleted {wanted.Length} messages").AsMemory(), ct);
            }, ct);
        });
        return command;
    }

    private static (Command Command, Connection Connection) New(string name, string description)
    {
        var connection = new Connection(
            new Option<string>("--server", "-s") { Description = "HOST[:PORT] of the POP3 server (port 1110 when none is given).", Required = true },
            new Option<string>("--user", "-u") { Description = "The user name.", Required = true },
            new Option<string>("--password", "-p") { Description = "The password.", Required = true },
            new Option<bool>("--starttls") { Description = "Upgrade to TLS with STLS before logging in." },
            new Option<bool>("--tls") { Description = "TLS from the first byte (POP3S)." },
            new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (self-signed test servers)." },
            new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines, passwords hidden) on stderr." });
        var command = new Command(name, description);
        foreach (var option in new Option[] { connection.Server, connection.User, connection.Password, connection.StartTls, connection.Tls, connection.Insecure, connection.Trace })
        {
            command.Options.Add(option);
        }

        return (command, connection);
    }

    /// <summary>Connects, logs in, runs <paramref name="work"/>, and QUITs.</summary>
    private static async Task<int> WithClientAsync(ParseResult parse, Connection c, Func<Pop3Client, TextWriter, Task> work, CancellationToken ct)
    {
        if (parse.GetValue(c.StartTls) && parse.GetValue(c.Tls))
        {
            throw new UsageException("--starttls and --tls: choose one");
        }

        var mode = parse.GetValue(c.Tls) ? Pop3TlsMode.Implicit : parse.GetValue(c.StartTls) ? Pop3TlsMode.StartTls : Pop3TlsMode.None;
        var options = new Pop3ClientOptions
        {
            AcceptAnyCertificate = parse.GetValue(c.Insecure),
            Trace = parse.GetValue(c.Trace) ? new WireTrace(Console.Error, TraceRole.Client) : null,
        };
        await using var client = await Pop3Client.ConnectAsync(parse.GetRequiredValue(c.Server), mode, options, ct);
        await client.LoginAsync(parse.GetRequiredValue(c.User), parse.GetRequiredValue(c.Password), ct);
        await work(client, parse.InvocationConfiguration.Output);
        await client.QuitAsync(ct);
        return ExitCodes.Success;
    }

    private static void CheckNumbers(IEnumerable<int> numbers)
    {
        foreach (var number in numbers)
        {
            if (number < 1)
            {
                throw new UsageException($"message numbers start at 1, not {number}");
            }
        }
    }

    /// <summary>Saves each message as it arrives (pipelined), with a progress bar when there are many and a terminal to show it on.</summary>
    private static async Task<long> SaveAllAsync(Pop3Client client, IReadOnlyList<int> numbers, string directory, CancellationToken ct)
    {
        long saved = 0;
        async ValueTask Save(int number, byte[] bytes)
        {
            await File.WriteAllBytesAsync(Path.Combine(directory, number.ToString(CultureInfo.InvariantCulture) + ".eml"), bytes, ct);
            saved += bytes.Length;
        }

        if (numbers.Count < 10 || Console.IsErrorRedirected)
        {
            await client.RetrManyAsync(numbers, Save, ct);
            return saved;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("retrieving", maxValue: numbers.Count);
            await client.RetrManyAsync(numbers, async (number, bytes) =>
            {
                await Save(number, bytes);
                task.Increment(1);
            }, ct);
        });
        return saved;
    }

    private static async Task WriteStdoutAsync(byte[] bytes, CancellationToken ct)
    {
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(bytes, ct);
        await stdout.FlushAsync(ct);
    }
}
