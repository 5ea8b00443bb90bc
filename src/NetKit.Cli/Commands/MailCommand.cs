using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MimeKit;
using NetKit.Mail;
using Spectre.Console;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit mail</c>: read the mail store (what SMTP received), decoded or byte for byte.</summary>
internal static class MailCommand
{
    public static Command Create()
    {
        var command = new Command("mail", "List and show the messages in the mail store.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateShow());
        return command;
    }

    private static Command CreateList()
    {
        var mailbox = new Option<string?>("--mailbox") { Description = "Only this account: a user name, or a full address for catch-all mail." };
        var json = new Option<bool>("--json") { Description = "Print one JSON array instead of a table." };
        var data = UsersCommand.DataOption();
        var command = new Command("list", "Print the stored messages: id, account, from, to, subject, date, size.");
        command.Options.Add(mailbox);
        command.Options.Add(json);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            await using var store = UsersCommand.OpenStoreReadOnly(parse, data);
            var messages = await store.ListMessagesAsync(parse.GetValue(mailbox), ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(new JsonArray([.. messages.Select(m => (JsonNode)ToJson(m))]).ToJsonString(UsersCommand.JsonOutput).AsMemory(), ct);
            }
            else if (messages.Count == 0)
            {
                await output.WriteLineAsync("no messages".AsMemory(), ct);
            }
            else
            {
                WriteTable(output, messages);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The message id, as `netkit mail list` shows it." };
        var raw = new Option<bool>("--raw") { Description = "Write the exact stored bytes instead of the decoded message." };
        var data = UsersCommand.DataOption();
        var command = new Command("show", "Show one message: its headers and text decoded to Unicode, and its attachments.");
        command.Arguments.Add(id);
        command.Options.Add(raw);
        command.Options.Add(data);
        CliAction.Set(command, async (parse, ct) =>
        {
            var text = parse.GetRequiredValue(id);
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var messageId))
            {
                throw new UsageException($"not a message id: \"{text}\"");
            }

            await using var store = UsersCommand.OpenStoreReadOnly(parse, data);
            var bytes = await store.ReadMessageAsync(messageId, ct) ?? throw new MailStoreException($"no message {messageId}");
            if (parse.GetValue(raw))
            {
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(bytes, ct);
                await stdout.FlushAsync(ct);
            }
            else
            {
                await parse.InvocationConfiguration.Output.WriteAsync(Render(bytes).AsMemory(), ct);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<MessageSummary> messages)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 240; // a pipe or a file: keep each message on one line for grep
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "id", "account", "from", "to", "subject", "date", "size" })
        {
            table.AddColumn(column);
        }

        table.Columns[0].RightAligned();
        table.Columns[6].RightAligned();
        foreach (var m in messages)
        {
            table.AddRow(
                m.Id.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Printable(m.Account)),
                Markup.Escape(Printable(m.From)),
                Markup.Escape(Printable(m.To)),
                Markup.Escape(Printable(m.Subject)),
                (m.Date ?? m.InternalDate).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                m.Size.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    private static JsonObject ToJson(MessageSummary m) => new()
    {
        ["id"] = m.Id,
        ["account"] = m.Account,
        ["mailbox"] = m.Mailbox,
        ["uid"] = m.Uid,
        ["flags"] = m.Flags,
        ["from"] = m.From,
        ["to"] = m.To,
        ["subject"] = m.Subject,
        ["date"] = m.Date?.ToString("o", CultureInfo.InvariantCulture),
        ["received"] = m.InternalDate.ToString("o", CultureInfo.InvariantCulture),
        ["size"] = m.Size,
        ["reversePath"] = m.ReversePath,
        ["recipients"] = new JsonArray([.. m.Recipients.Select(r => (JsonNode?)JsonValue.Create(r))]),
        ["attachments"] = new JsonArray([.. m.AttachmentNames.Select(a => (JsonNode?)JsonValue.Create(a))]),
    };

    /// <summary>
    /// The message as a person reads it: headers and text decoded by MimeKit (RFC 2047, any charset),
    /// with every control character made visible (<see cref="Printable"/>): a decoded subject or
    /// body must not be able to drive the terminal or forge lines.
    /// </summary>
    private static string Render(byte[] bytes)
    {
        MailCharsets.EnsureRegistered();
        using var stream = new MemoryStream(bytes, writable: false);
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            // SMTP stores whatever DATA carried; what MimeKit cannot read is shown as text.
            return PrintableText(System.Text.Encoding.UTF8.GetString(bytes));
        }

        using (message)
        {
            return Render(message);
        }
    }

    private static string Render(MimeMessage message)
    {
        var text = new System.Text.StringBuilder();
        void Header(string name, string value) => text.Append(name).Append(": ").AppendLine(Printable(value));
        Header("From", message.From.ToString());
        Header("To", message.To.ToString());
        if (message.Cc.Count > 0)
        {
            Header("Cc", message.Cc.ToString());
        }

        Header("Subject", message.Subject ?? "");
        if (message.Headers.Contains(HeaderId.Date))
        {
            Header("Date", MimeKit.Utils.DateUtils.FormatDate(message.Date));
        }

        foreach (var attachment in message.Attachments.OfType<MimePart>())
        {
            Header("Attachment", $"{attachment.FileName ?? attachment.ContentType.Name ?? "(unnamed)"} ({attachment.ContentType.MimeType})");
        }

        text.AppendLine();
        var body = PrintableText(message.TextBody ?? message.HtmlBody ?? "");
        text.Append(body);
        if (body.Length > 0 && !body.EndsWith('\n'))
        {
            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>
    /// One decoded field made safe for a terminal: C0 controls (but tab) as ^X (ESC is ^[, CR ^M,
    /// LF ^J), DEL as ^?, C1 controls as U+FFFD. Nothing else changes.
    /// </summary>
    internal static string Printable(string value) => Printable(value, keepLineEnds: false);

    /// <summary>A text body made safe the same way; its line ends stay, as "\n".</summary>
    internal static string PrintableText(string value) => Printable(value.ReplaceLineEndings("\n"), keepLineEnds: true);

    private static string Printable(string value, bool keepLineEnds)
    {
        if (!value.Any(c => IsUnsafe(c, keepLineEnds)))
        {
            return value;
        }

        var safe = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (!IsUnsafe(c, keepLineEnds))
            {
                safe.Append(c);
            }
            else if (c < 0x20)
            {
                safe.Append('^').Append((char)(c + 0x40));
            }
            else if (c == 0x7F)
            {
                safe.Append("^?");
            }
            else
            {
                safe.Append('\uFFFD');
            }
        }

        return safe.ToString();
    }

    private static bool IsUnsafe(char c, bool keepLineEnds) =>
        char.IsControl(c) && c != '\t' && !(keepLineEnds && c == '\n');
}
