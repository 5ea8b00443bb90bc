using System.CommandLine;
using System.Text;
using System.Text.Json;
using MimeKit;
using NetKit.Net;
using NetKit.Nntp;
using NetKit.Nntp.Client;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>`netkit nntp groups|over|read|article|post`: a news client for people and scripts.</summary>
internal static class NntpCommand
{
    private sealed record Common(Option<string?> Server, Option<bool> StartTls, Option<bool> Insecure, Option<string?> Auth, Option<bool> Trace, Option<bool> Json);

    public static Command Create()
    {
        var command = new Command("nntp", "NNTP client commands (news).");
        command.Subcommands.Add(Groups());
        command.Subcommands.Add(Over());
        command.Subcommands.Add(Read());
        command.Subcommands.Add(ArticleById());
        command.Subcommands.Add(Post());
        return command;
    }

    private static Common AddCommon(Command command)
    {
        var common = new Common(
            new Option<string?>("--server", "-s") { Description = $"HOST[:PORT] of the news server (default 127.0.0.1:{Nntp.Server.NntpServer.DefaultPort})." },
            new Option<bool>("--starttls") { Description = "Start TLS before anything else (required: no plaintext fallback)." },
            new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (self-signed test servers)." },
            new Option<string?>("--auth") { Description = "Log in as USER:PASS (AUTHINFO USER/PASS)." },
            new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines) on stderr; passwords hidden." },
            new Option<bool>("--json") { Description = "Print JSON instead of text." });
        foreach (var option in new Option[] { common.Server, common.StartTls, common.Insecure, common.Auth, common.Trace, common.Json })
        {
            command.Options.Add(option);
        }

        return common;
    }

    private static async Task<NntpClient> ConnectAsync(ParseResult parse, Common common, CancellationToken ct)
    {
        var endpoint = NetEndpoint.Parse(parse.GetValue(common.Server) ?? "127.0.0.1", SocketTransport.Tcp, defaultPort: Nntp.Server.NntpServer.DefaultPort);
        var client = new NntpClient(new NntpClientOptions
        {
            AcceptAnyCertificate = parse.GetValue(common.Insecure),
            Trace = parse.GetValue(common.Trace) ? new WireTrace(Console.Error, TraceRole.Client) : null,
        });
        try
        {
            await client.ConnectAsync(endpoint, ct);
            if (parse.GetValue(common.StartTls))
            {
                await client.StartTlsAsync(ct);
            }

            if (parse.GetValue(common.Auth) is { } auth)
            {
                var colon = auth.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new UsageException("--auth takes USER:PASS");
                }

                await client.LoginAsync(auth[..colon], auth[(colon + 1)..], ct);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task PrintAsync(ParseResult parse, Common common, object json, IEnumerable<string> text)
    {
        if (parse.GetValue(common.Json))
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(json, UsersCommand.JsonOutput));
            return;
        }

        foreach (var line in text)
        {
            await Console.Out.WriteLineAsync(line);
        }
    }

    private static Command Groups()
    {
        var command = new Command("groups", "List the server's newsgroups with their article numbers and descriptions.");
        var common = AddCommon(command);
        CliAction.Set(command, async (parse, ct) =>
        {
            await using var client = await ConnectAsync(parse, common, ct);
            var groups = await client.ListActiveAsync(cancellationToken: ct);
            var descriptions = await client.DescriptionsAsync(cancellationToken: ct);
            var rows = groups.Select(g => new { name = g.Name, low = g.Low, high = g.High, status = g.Status, description = descriptions.GetValueOrDefault(g.Name, "") }).ToList();
            await PrintAsync(parse, common, rows, rows.Select(r => $"{r.name}\t{r.low}-{r.high}\t{r.status}\t{r.description}"));
            await client.QuitAsync(ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Over()
    {
        var group = new Argument<string>("group") { Description = "The newsgroup." };
        var range = new Argument<string?>("range") { Description = "Article numbers: N, N- or N-M (default: the whole group).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("over", "Print the overview (number, subject, from, date) of a group's articles.");
        command.Arguments.Add(group);
        command.Arguments.Add(range);
        var common = AddCommon(command);
        CliAction.Set(command, async (parse, ct) =>
        {
            var text = parse.GetValue(range);
            NntpRange? wanted = null;
            if (text is not null)
            {
                wanted = NntpRange.TryParse(text, out var r) ? r : throw new UsageException($"\"{text}\" is not a range (N, N- or N-M)");
            }

            await using var client = await ConnectAsync(parse, common, ct);
            var info = await client.GroupAsync(parse.GetRequiredValue(group), ct);
            var lines = info.Count == 0 ? [] : await client.OverAsync(wanted ?? new NntpRange(info.Low, info.High), ct);
            await PrintAsync(parse, common, lines, lines.Select(o => $"{o.Number}\t{o.Subject}\t{o.From}\t{o.Date}"));
            await client.QuitAsync(ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Read()
    {
        var group = new Argument<string>("group") { Description = "The newsgroup." };
        var number = new Argument<long?>("number") { Description = "The article number (default: the group's first).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("read", "Print an article of a group.");
        command.Arguments.Add(group);
        command.Arguments.Add(number);
        var common = AddCommon(command);
        CliAction.Set(command, async (parse, ct) =>
        {
            await using var client = await ConnectAsync(parse, common, ct);
            var info = await client.GroupAsync(parse.GetRequiredValue(group), ct);
            var article = await client.ArticleAsync(parse.GetValue(number) ?? info.Low, ct);
            await ShowAsync(parse, common, article);
            await client.QuitAsync(ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ArticleById()
    {
        var id = new Argument<string>("message-id") { Description = "The article's message-id, <like@this>." };
        var command = new Command("article", "Print the article with that message-id.");
        command.Arguments.Add(id);
        var common = AddCommon(command);
        CliAction.Set(command, async (parse, ct) =>
        {
            var messageId = parse.GetRequiredValue(id);
            if (!NntpArticleHeaders.IsMessageId(messageId))
            {
                throw new UsageException($"\"{messageId}\" is not a message-id (<local@domain>)");
            }

            await using var client = await ConnectAsync(parse, common, ct);
            await ShowAsync(parse, common, await client.ArticleAsync(messageId, ct));
            await client.QuitAsync(ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task ShowAsync(ParseResult parse, Common common, NntpArticle article)
    {
        if (parse.GetValue(common.Json))
        {
            var message = article.Message;
            await PrintAsync(parse, common, new
            {
                number = article.Number,
                messageId = article.MessageId,
                from = message.From.ToString(),
                subject = message.Subject,
                newsgroups = message.Headers["Newsgroups"],
                date = message.Headers["Date"],
                body = message.TextBody,
            }, []);
            return;
        }

        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(article.Raw);
    }

    private static Command Post()
    {
        var groups = new Option<string[]>("--group", "-g") { Description = "Required: a newsgroup to post to (repeatable: a cross-post)." };
        var from = new Option<string?>("--from", "-f") { Description = "Required: the poster, an address or \"Name <address>\"." };
        var subject = new Option<string?>("--subject") { Description = "Required: the subject." };
        var body = new Option<string?>("--body") { Description = "The body text (default: standard input)." };
        var references = new Option<string?>("--references") { Description = "The message-id this follows up." };
        var command = new Command("post", "Post an article.");
        foreach (var option in new Option[] { groups, from, subject, body, references })
        {
            command.Options.Add(option);
        }

        var common = AddCommon(command);
        CliAction.Set(command, async (parse, ct) =>
        {
            var to = parse.GetValue(groups) ?? [];
            var sender = parse.GetValue(from);
            var title = parse.GetValue(subject);
            if (to.Length == 0 || sender is null || title is null)
            {
                throw new UsageException("post needs --group, --from and --subject");
            }

            if (!MailboxAddress.TryParse(sender, out var address))
            {
                throw new UsageException($"--from: \"{sender}\" is not an address");
            }

            var text = parse.GetValue(body) ?? await Console.In.ReadToEndAsync(ct);
            var message = new MimeMessage();
            message.From.Add(address);
            message.Subject = title;
            message.Headers.Add("Newsgroups", string.Join(',', to));
            message.Date = DateTimeOffset.Now;
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
            if (parse.GetValue(references) is { } refs)
            {
                message.References.Add(refs);
                message.InReplyTo = refs;
            }

            var part = new TextPart("plain");
            part.SetText(Encoding.UTF8, text);
            part.ContentTransferEncoding = part.GetBestEncoding(EncodingConstraint.EightBit, ct);
            message.Body = part;
            await using var client = await ConnectAsync(parse, common, ct);
            var reply = await client.PostAsync(message, ct);
            await PrintAsync(parse, common, new { code = reply.Code, text = reply.Text, messageId = $"<{message.MessageId}>" }, [$"posted <{message.MessageId}>: {reply}"]);
            await client.QuitAsync(ct);
            return ExitCodes.Success;
        });
        return command;
    }
}
