using System.Globalization;
using NetKit.Mail;
using NetKit.Services;

namespace NetKit.Telnet;

/// <summary>
/// The console `netkit serve telnet` ships: help, status, reverse, users,
/// mailboxes, quit. Never a system shell: every command is one of these.
/// </summary>
public sealed class NetKitConsole
{
    private readonly MailStore? _mail;
    private readonly Func<IReadOnlyList<string>> _status;

    /// <param name="mail">The store whose users and mailboxes it shows; null: none.</param>
    /// <param name="status">Lines for `status` (services, addresses, connections).</param>
    public NetKitConsole(MailStore? mail, Func<IReadOnlyList<string>> status)
    {
        _mail = mail;
        _status = status ?? throw new ArgumentNullException(nameof(status));
    }

    public const string Prompt = "netkit> ";

    public async Task RunAsync(TelnetSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var terminal = session.Terminal;
        while (true)
        {
            await terminal.WriteAsync(Prompt, cancellationToken);
            var line = await terminal.ReadLineAsync(echo: true, cancellationToken);
            if (line is null)
            {
                return;
            }

            var text = line.Trim();
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var verb = (space < 0 ? text : text[..space]).ToLowerInvariant();
            var argument = space < 0 ? "" : text[(space + 1)..];
            switch (verb)
            {
                case "":
                    break;
                case "help":
                    await terminal.WriteLineAsync("commands: help, status, reverse TEXT, users, mailboxes, quit", cancellationToken);
                    break;
                case "status":
                    foreach (var l in _status())
                    {
                        await terminal.WriteLineAsync(l, cancellationToken);
                    }

                    await terminal.WriteLineAsync(
                        $"this session: {session.Remote} -> {NetKit.Transport.NetConnection.Describe(session.Channel.Connection.LocalEndPoint)}" +
                        $", terminal {session.Channel.PeerTerminalType ?? "unknown"}, window {session.Channel.PeerWindowSize?.ToString() ?? "unknown"}",
                        cancellationToken);

                    break;
                case "reverse":
                    await terminal.WriteLineAsync(TextElements.Reverse(argument), cancellationToken);
                    break;
                case "users":
                    await WriteUsersAsync(terminal, cancellationToken);
                    break;
                case "mailboxes":
                    await WriteMailboxesAsync(terminal, cancellationToken);
                    break;
                case "quit" or "exit" or "logout":
                    await terminal.WriteLineAsync("bye", cancellationToken);
                    return;
                default:
                    await terminal.WriteLineAsync($"unknown command \"{Truncate(verb)}\"; try help", cancellationToken);
                    break;
            }
        }
    }

    private async Task WriteUsersAsync(TelnetTerminal terminal, CancellationToken ct)
    {
        if (_mail is null)
        {
            await terminal.WriteLineAsync("no mail store", ct);
            return;
        }

        var users = await _mail.ListUsersAsync(ct);
        await terminal.WriteLineAsync(users.Count == 0 ? "no users" : string.Join(" ", users.Select(u => u.Name)), ct);
    }

    private async Task WriteMailboxesAsync(TelnetTerminal terminal, CancellationToken ct)
    {
        if (_mail is null)
        {
            await terminal.WriteLineAsync("no mail store", ct);
            return;
        }

        var any = false;
        foreach (var user in await _mail.ListUsersAsync(ct))
        {
            foreach (var box in await _mail.ListMailboxesAsync(user.Name, ct))
            {
                any = true;
                await terminal.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{user.Name}/{box.Name}: {box.MessageCount} message{(box.MessageCount == 1 ? "" : "s")}"), ct);
            }
        }

        if (!any)
        {
            await terminal.WriteLineAsync("no mailboxes", ct);
        }
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
