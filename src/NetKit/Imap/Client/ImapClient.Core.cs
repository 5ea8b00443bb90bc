using System.Globalization;
using System.Text;
using NetKit.Transport;

namespace NetKit.Imap.Client;

// The conversation: tags, sending commands with their literals, reading responses to the tagged end.
public sealed partial class ImapClient
{
    private Task<ImapResponse> CommandAsync(string command, CancellationToken cancellationToken) =>
        RunAsync(command, [], null, null, cancellationToken);

    private async Task<ImapResponse> RunAsync(
        string command,
        IReadOnlyList<ReadOnlyMemory<byte>> literals,
        Action<ImapResponse>? untagged,
        Func<ImapResponse, CancellationToken, Task>? continuation,
        CancellationToken cancellationToken,
        bool byeExpected = false,
        bool noTimeout = false)
    {
        if (connection is null)
        {
            throw new InvalidOperationException("The client is not connected.");
        }

        await gate.WaitAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!noTimeout)
        {
            deadline.CancelAfter(Options.CommandTimeout);
        }

        var token = deadline.Token;
        try
        {
            var tag = NextTag();
            var pending = new Queue<ReadOnlyMemory<byte>>(literals);
            if (pending.Count > 0 && capabilities.Contains("LITERAL+"))
            {
                // Non-synchronizing (RFC 7888): the command and its literal in one write.
                var message = pending.Dequeue();
                await SendAsync($"{tag} {command}{{{message.Length}+}}", message, token);
            }
            else if (pending.Count > 0)
            {
                await SendLineAsync($"{tag} {command}{{{pending.Peek().Length}}}", secret: false, token);
            }
            else
            {
                await SendLineAsync($"{tag} {command}", secret: command.StartsWith("LOGIN ", StringComparison.Ordinal), token);
            }

            while (true)
            {
                var response = await ReadResponseAsync(token);
                switch (response.Kind)
                {
                    case ImapResponseKind.Continuation when pending.Count > 0:
                        await SendAsync("", pending.Dequeue(), token);
                        break;
                    case ImapResponseKind.Continuation when continuation is not null:
                        await continuation(response, token);
                        break;
                    case ImapResponseKind.Continuation:
                        throw new ImapProtocolException($"the server asked for more than {command.Split(' ')[0]} has to give: + {response.Text}");
                    case ImapResponseKind.Untagged:
                        if (response.IsBye && !byeExpected)
                        {
                            await DisposeAsync();
                            throw new ImapProtocolException($"the server closed the session: {response.Text}");
                        }

                        Notice(response);
                        untagged?.Invoke(response);
                        break;
                    default:
                        if (response.Tag != tag)
                        {
                            throw new ImapProtocolException($"a reply to a command never sent: {response.Tag}");
                        }

                        NoticeCode(response);
                        return response.Status == ImapStatus.Ok
                            ? response
                            : throw new ImapCommandException($"{command.Split(' ')[0]} failed: {response.Name} {(response.Code is null ? "" : $"[{response.Code}] ")}{response.Text}", response);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync();
            throw new ImapProtocolException($"no answer to {command.Split(' ')[0]} within {Options.CommandTimeout.TotalSeconds:0} s; the connection was closed");
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex) || ex is EndOfStreamException)
        {
            await DisposeAsync();
            throw new ImapProtocolException($"the connection broke: {ex.Message}", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    private string NextTag() => "A" + (++nextTag).ToString("D4", CultureInfo.InvariantCulture);

    private async Task<ImapResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var read = await reader!.ReadAsync(static _ => ValueTask.CompletedTask, cancellationToken);
        switch (read.Status)
        {
            case ImapReadStatus.Command:
                try
                {
                    return ImapResponse.Parse(read.Command!, Options.Limits);
                }
                catch (ImapParseException ex)
                {
                    await DisposeAsync();
                    throw new ImapProtocolException($"a malformed response: {ex.Message}", ex);
                }

            case ImapReadStatus.EndOfStream:
                await DisposeAsync();
                throw new ImapProtocolException("the server closed the connection");
            default:
                await DisposeAsync();
                throw new ImapProtocolException($"a response over the client's limits ({read.Status})");
        }
    }

    private async Task SendLineAsync(string line, bool secret, CancellationToken cancellationToken)
    {
        var open = connection ?? throw new ImapProtocolException("the connection is closed");
        open.Trace?.Sent(line, secret);
        await open.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken);
    }

    /// <summary>A line (or nothing) followed by a literal's bytes and the CRLF that ends the command.</summary>
    private async Task SendAsync(string line, ReadOnlyMemory<byte> literal, CancellationToken cancellationToken)
    {
        var open = connection ?? throw new ImapProtocolException("the connection is closed");
        if (line.Length > 0)
        {
            open.Trace?.Sent(line);
        }

        open.Trace?.Note($"{literal.Length} bytes of literal");
        var head = line.Length > 0 ? Encoding.UTF8.GetBytes(line + "\r\n") : [];
        var buffer = new byte[head.Length + literal.Length + 2];
        head.CopyTo(buffer, 0);
        literal.Span.CopyTo(buffer.AsSpan(head.Length));
        "\r\n"u8.CopyTo(buffer.AsSpan(head.Length + literal.Length));
        await open.WriteAsync(buffer, cancellationToken);
    }

    private async Task RefreshCapabilitiesAsync(ImapResponse? withCode, CancellationToken cancellationToken)
    {
        if (withCode?.Code is { } code && code.StartsWith("CAPABILITY ", StringComparison.OrdinalIgnoreCase))
        {
            NoticeCode(withCode);
            return;
        }

        await CommandAsync("CAPABILITY", cancellationToken);
    }

    /// <summary>Keeps the capabilities and the selected mailbox's count current; tells <see cref="MailboxEvent"/>; returns the event, if it is one.</summary>
    private ImapMailboxEvent? Notice(ImapResponse response)
    {
        NoticeCode(response);
        switch (response.Name)
        {
            case "CAPABILITY":
                capabilities = new HashSet<string>(response.Values.Select(v => v.Text ?? ""), StringComparer.OrdinalIgnoreCase);
                return null;
            case "EXISTS" when Selected is not null:
                Selected = Selected with { Exists = (int)(response.Number ?? 0) };
                break;
            case "EXPUNGE" when Selected is not null:
                Selected = Selected with { Exists = Math.Max(0, Selected.Exists - 1) };
                break;
            case "RECENT" when Selected is not null:
                Selected = Selected with { Recent = (int)(response.Number ?? 0) };
                break;
            case "FETCH":
                break;
            default:
                return null;
        }

        var mailboxEvent = new ImapMailboxEvent(response.Name, response.Number ?? 0, response);
        MailboxEvent?.Invoke(mailboxEvent);
        return mailboxEvent;
    }

    private void NoticeCode(ImapResponse response)
    {
        if (response.Code is { } code && code.StartsWith("CAPABILITY ", StringComparison.OrdinalIgnoreCase))
        {
            capabilities = new HashSet<string>(code.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1), StringComparer.OrdinalIgnoreCase);
        }
    }

    private static ImapFetchedMessage ReadFetch(uint sequence, ImapValue list)
    {
        uint? uid = null;
        long? size = null;
        DateTimeOffset? date = null;
        IReadOnlyList<string>? flags = null;
        var sections = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var items = new Dictionary<string, ImapValue>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < list.Items.Count; i += 2)
        {
            var name = list.Items[i].Text?.ToUpperInvariant() ?? "";
            var value = list.Items[i + 1];
            items[name] = value;
            switch (name)
            {
                case "UID": uid = (uint)value.Number; break;
                case "RFC822.SIZE": size = value.Number; break;
                case "FLAGS": flags = [.. value.Items.Select(f => f.Text ?? "")]; break;
                case "INTERNALDATE" when value.Text is { } text:
                    date = ImapParser.TryParseDateTime(text, out var d) ? d : null; // a malformed date is no date, not an exception
                    break;
                default:
                    if (value.Kind == ImapValueKind.String && (name.StartsWith("BODY[", StringComparison.Ordinal) || name.StartsWith("RFC822", StringComparison.Ordinal)))
                    {
                        sections[name] = value.Bytes!;
                    }

                    break;
            }
        }

        return new ImapFetchedMessage(sequence, uid, flags, size, date, sections, items);
    }

    /// <summary>A mailbox name for a command: modified UTF-7, quoted when it is not an atom.</summary>
    private static string MailboxName(string name) => Astring(ImapUtf7.Encode(name));

    private static string Astring(string value) => ImapGrammar.IsAtom(value) ? value : Quote(value);

    private static string Quote(string value) =>
        ImapResponseWriter.CanQuote(value) ? ImapResponseWriter.Quote(value) : throw new ArgumentException("the text needs a literal, which this command does not send", nameof(value));

    /// <summary>LOGIN's password and AUTHENTICATE's initial response stay out of the trace (the server's rule, from the other side).</summary>
    private static string RedactLogin(string line) => ImapTraceRedaction.Redact(line);
}
