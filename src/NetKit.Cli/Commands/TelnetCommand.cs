using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using NetKit.Net;
using NetKit.Telnet;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit telnet HOST[:PORT]`: at a terminal, an interactive session (keys go
/// out as typed when the server echoes, lines otherwise; NAWS follows the window;
/// Ctrl+] opens a local prompt); with stdin piped, a script: its lines go out,
/// the server's output comes back on stdout until the server closes.
/// </summary>
internal static class TelnetCommand
{
    private const char EscapeKey = '\x1d'; // Ctrl+]

    public static Command Create()
    {
        var endpoint = new Argument<string>("endpoint") { Description = "HOST, HOST:PORT or [v6]:PORT (port 23 unless given)." };
        var trace = new Option<bool>("--trace") { Description = "Print the negotiation and the data on stderr (C:/S: lines)." };
        var wait = new Option<double>("--wait", "-w") { Description = "Piped mode: seconds to wait for the server after stdin ends.", DefaultValueFactory = _ => 2.0 };
        var command = new Command("telnet", "A Telnet client: an interactive terminal session, or stdin piped as a script.");
        command.Arguments.Add(endpoint);
        command.Options.Add(trace);
        command.Options.Add(wait);
        CliAction.Set(command, async (parse, ct) =>
        {
            var seconds = parse.GetValue(wait);
            if (!(seconds >= 0 && seconds <= 86_400))
            {
                throw new UsageException($"--wait must be a number of seconds from 0 to 86400, not {seconds}");
            }

            var target = NetEndpoint.Parse(parse.GetValue(endpoint)!, SocketTransport.Tcp, "127.0.0.1", 23);
            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            var options = new TelnetClientOptions
            {
                Trace = parse.GetValue(trace) ? new WireTrace(Console.Error, TraceRole.Client) : null,
                Channel = new TelnetChannelOptions
                {
                    TerminalType = Environment.GetEnvironmentVariable("TERM") ?? "dumb",
                    WindowSize = interactive ? (Console.WindowWidth, Console.WindowHeight) : null,
                    Environment = Environment.GetEnvironmentVariable("USER") is { } user
                        ? new Dictionary<string, string> { ["USER"] = user }
                        : new Dictionary<string, string>(),
                },
                RequestLocal = interactive ? [TelnetOption.WindowSize, TelnetOption.TerminalType] : [],
            };
            await using var client = await TelnetClient.ConnectAsync(target, options, ct);
            return interactive
                ? await InteractiveAsync(client, ct)
                : await PipedAsync(client, TimeSpan.FromSeconds(seconds), ct);
        });
        return command;
    }

    private static async Task<int> PipedAsync(TelnetClient client, TimeSpan wait, CancellationToken ct)
    {
        var output = CopyOutputAsync(client, ct);
        using var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        while (await stdin.ReadLineAsync(ct) is { } line && !client.IsClosed)
        {
            await client.WriteLineAsync(line, ct);
        }

        // The server may still be answering the last lines: wait for it to close, up to --wait.
        await Task.WhenAny(output, Task.Delay(wait, ct));
        await Console.Out.WriteAsync(client.ReadAvailable());
        await Console.Out.FlushAsync(ct);
        return ExitCodes.Success;
    }

    private static async Task CopyOutputAsync(TelnetClient client, CancellationToken ct)
    {
        while (await client.ReadSomeAsync(ct) is { Length: > 0 } text)
        {
            await Console.Out.WriteAsync(text);
            await Console.Out.FlushAsync(ct);
        }
    }

    private static async Task<int> InteractiveAsync(TelnetClient client, CancellationToken ct)
    {
        // Take the terminal into raw mode now: a key typed before the first ReadKey
        // would otherwise be echoed by the terminal itself, and then again by the server.
        var previous = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        _ = Console.KeyAvailable;
        Console.Error.WriteLine($"netkit: connected to {client.Channel.Connection.Remote}; escape is Ctrl+]");
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A resized window goes to the server at once (NAWS), where the platform tells us.
        using var resize = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, signal =>
        {
            _ = client.Channel.SetWindowSizeAsync(Console.WindowWidth, Console.WindowHeight, CancellationToken.None).AsTask();
        });
        var output = CopyOutputAsync(client, done.Token);
        try
        {
            var keys = Task.Run(() => KeysAsync(client, done.Token), done.Token);
            await Task.WhenAny(output, keys);
            await done.CancelAsync();
        }
        finally
        {
            Console.TreatControlCAsInput = previous;
        }

        Console.Error.WriteLine();
        Console.Error.WriteLine("netkit: connection closed.");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Reads the keyboard: keys one by one while the server echoes (character mode),
    /// otherwise a line at a time with our own echo. Ctrl+] gives a local prompt.
    /// </summary>
    private static async Task KeysAsync(TelnetClient client, CancellationToken ct)
    {
        var line = new StringBuilder();
        while (!ct.IsCancellationRequested && !client.IsClosed)
        {
            if (!Console.KeyAvailable)
            {
                await Task.Delay(15, ct);
                continue;
            }

            var key = Console.ReadKey(intercept: true);
            if (key.KeyChar == EscapeKey)
            {
                if (!await LocalPromptAsync())
                {
                    return;
                }

                continue;
            }

            var text = KeyText(key);
            if (client.ServerEchoes)
            {
                await client.WriteAsync(text, ct);
                continue;
            }

            // Line mode: we echo and edit, the server gets whole lines.
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Out.Write("\r\n");
                await client.WriteLineAsync(line.ToString(), ct);
                line.Clear();
            }
            else if (key.Key == ConsoleKey.Backspace && line.Length > 0)
            {
                line.Length--;
                Console.Out.Write("\b \b");
            }
            else if (!char.IsControl(key.KeyChar))
            {
                line.Append(key.KeyChar);
                Console.Out.Write(key.KeyChar);
            }
            else if (key.KeyChar == '\x03')
            {
                await client.SendCommandAsync(NetKit.Telnet.TelnetCommand.IP, ct);
            }
        }
    }

    private static string KeyText(ConsoleKeyInfo key) => key.Key switch
    {
        ConsoleKey.Enter => "\r\n",
        ConsoleKey.Backspace => "\x7f",
        ConsoleKey.UpArrow => "\x1b[A",
        ConsoleKey.DownArrow => "\x1b[B",
        ConsoleKey.RightArrow => "\x1b[C",
        ConsoleKey.LeftArrow => "\x1b[D",
        _ => key.KeyChar == '\0' ? "" : key.KeyChar.ToString(),
    };

    /// <summary>The escape prompt: false to quit.</summary>
    private static Task<bool> LocalPromptAsync()
    {
        Console.Error.Write("\r\ntelnet> (q)uit or (c)ontinue? ");
        var answer = Console.ReadKey(intercept: true);
        Console.Error.WriteLine(answer.KeyChar);
        return Task.FromResult(char.ToLowerInvariant(answer.KeyChar) != 'q');
    }
}
