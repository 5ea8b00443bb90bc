using System.CommandLine;
using System.Globalization;
using System.Text;
using MimeKit;
using NetKit.Net;
using NetKit.Smtp;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit smtp send`: builds a message with MimeKit and sends it, printing
/// each recipient's answer. Exit 0 only when every recipient was accepted.
/// </summary>
internal static class SmtpCommand
{
    /// <summary>NetKit's own SMTP port (25 + 1000, as Mailpit does); with --tls, its implicit-TLS port.</summary>
    public const int DefaultPort = 1025;
    public const int DefaultTlsPort = 1465;

    public static Command Create()
    {
        var command = new Command("smtp", "SMTP client commands.");
        command.Subcommands.Add(CreateSend());
        return command;
    }

    private static Command CreateSend()
    {
        // Required, but checked by the command itself: a missing one is a usage error (exit 2) like any other.
        var server = new Option<string?>("--server", "-s") { Description = $"Required: HOST[:PORT] of the SMTP server (port {DefaultPort} when none is given; {DefaultTlsPort} with --tls)." };
        var from = new Option<string?>("--from", "-f") { Description = "Required: the sender, an address or \"Name <address>\"." };
        var to = new Option<string[]>("--to", "-t") { Description = "Required: a recipient (repeatable)." };
        var cc = new Option<string[]>("--cc") { Description = "A copy recipient (repeatable)." };
        var bcc = new Option<string[]>("--bcc") { Description = "A blind copy recipient (repeatable; not shown in the headers)." };
        var subject = new Option<string?>("--subject") { Description = "The subject." };
        var body = new Option<string?>("--body") { Description = "The body text (default: standard input)." };
        var bodyFile = new Option<string?>("--body-file") { Description = "Read the body text (UTF-8) from a file." };
        var attach = new Option<string[]>("--attach", "-a") { Description = "Attach a file (repeatable)." };
        var charset = new Option<string>("--charset") { Description = "The body's charset, e.g. windows-1251; sent as 8bit when the server takes 8BITMIME, else quoted-printable or base64.", DefaultValueFactory = _ => "utf-8" };
        var startTls = new Option<bool>("--starttls") { Description = "Require STARTTLS (no plaintext fallback)." };
        var tls = new Option<bool>("--tls") { Description = "Implicit TLS from the first byte (port 465 style)." };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (self-signed test servers)." };
        var auth = new Option<string?>("--auth") { Description = "Log in as USER:PASS (the strongest mechanism both sides know)." };
        var trace = new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines) on stderr; AUTH data is hidden." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection and for each reply.", DefaultValueFactory = _ => 60 };
        var send = new Command("send", "Send a message and print each recipient's result.");
        foreach (var option in new Option[] { server, from, to, cc, bcc, subject, body, bodyFile, attach, charset, startTls, tls, insecure, auth, trace, timeout })
        {
            send.Options.Add(option);
        }

        CliAction.Set(send, async (parse, ct) =>
        {
            var request = new SendRequest(
                parse.GetValue(server), parse.GetValue(from), parse.GetValue(to) ?? [], parse.GetValue(cc) ?? [], parse.GetValue(bcc) ?? [],
                parse.GetValue(subject), parse.GetValue(body), parse.GetValue(bodyFile), parse.GetValue(attach) ?? [], parse.GetValue(charset)!,
                parse.GetValue(startTls), parse.GetValue(tls), parse.GetValue(insecure), parse.GetValue(auth), parse.GetValue(trace), parse.GetValue(timeout));
            return await SendAsync(request, ct);
        });
        return send;
    }

    private static async Task<int> SendAsync(SendRequest request, CancellationToken ct)
    {
        var check = request.Check();
        var text = request.Body ?? (request.BodyFile is { } file ? await File.ReadAllTextAsync(file, ct) : await Console.In.ReadToEndAsync(ct));
        try
        {
            check.Charset.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new UsageException($"the body has characters that {check.Charset.WebName} cannot hold; choose another --charset (utf-8 holds them all)");
        }

        var options = new SmtpClientOptions
        {
            Security = request.Tls ? SmtpSecurity.ImplicitTls : request.StartTls ? SmtpSecurity.StartTls : SmtpSecurity.None,
            AcceptAnyCertificate = request.Insecure,
            Trace = request.Trace ? new WireTrace(Console.Error, TraceRole.Client) : null,
            ConnectTimeout = TimeSpan.FromSeconds(request.TimeoutSeconds),
            CommandTimeout = TimeSpan.FromSeconds(request.TimeoutSeconds),
        };
        await using var client = new SmtpClient(options);
        await client.ConnectAsync(check.Endpoint, ct);
        if (check.Credentials is var (user, password))
        {
            await client.AuthenticateAsync(user, password, ct);
        }

        var message = BuildMessage(request, check, text, client.Capabilities.EightBitMime);
        SmtpSendResult result;
        try
        {
            result = await client.SendAsync(message, cancellationToken: ct);
        }
        catch (SmtpRecipientsRefusedException refused)
        {
            await PrintAsync(refused.Recipients);
            throw;
        }

        await PrintAsync(result.Recipients);
        await Console.Out.WriteLineAsync($"sent: {Describe(result.Reply)}");
        await client.QuitAsync(ct);
        return result.AllAccepted ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static MimeMessage BuildMessage(SendRequest request, CheckedRequest check, string text, bool eightBitMime)
    {
        var message = new MimeMessage();
        message.From.Add(check.From);
        message.To.AddRange(check.To);
        message.Cc.AddRange(check.Cc);
        message.Bcc.AddRange(check.Bcc);
        message.Subject = request.Subject ?? string.Empty;
        message.Date = DateTimeOffset.Now;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();

        var part = new TextPart("plain");
        part.SetText(check.Charset, text);
        part.ContentTransferEncoding = part.GetBestEncoding(eightBitMime ? EncodingConstraint.EightBit : EncodingConstraint.SevenBit);
        if (request.Attachments.Length == 0)
        {
            message.Body = part;
            return message;
        }

        var mixed = new Multipart("mixed") { part };
        foreach (var path in request.Attachments)
        {
            mixed.Add(new MimePart(MimeTypes.GetMimeType(path))
            {
                Content = new MimeContent(new MemoryStream(File.ReadAllBytes(path))),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = Path.GetFileName(path),
            });
        }

        message.Body = mixed;
        return message;
    }

    private static async Task PrintAsync(IEnumerable<SmtpRecipientResult> recipients)
    {
        foreach (var recipient in recipients)
        {
            var verdict = recipient.Accepted ? "accepted" : "refused";
            await Console.Out.WriteLineAsync($"{verdict} <{recipient.Address}>: {Describe(recipient.Reply)}");
        }
    }

    private static string Describe(SmtpReply reply) => reply.Describe();

    /// <summary>What the user typed.</summary>
    private sealed record SendRequest(
        string? Server, string? From, string[] To, string[] Cc, string[] Bcc, string? Subject, string? Body, string? BodyFile,
        string[] Attachments, string Charset, bool StartTls, bool Tls, bool Insecure, string? Auth, bool Trace, double TimeoutSeconds)
    {
        /// <summary>Everything a usage error can be found in, checked before connecting.</summary>
        public CheckedRequest Check()
        {
            if (Server is null || From is null || To.Length == 0)
            {
                throw new UsageException("smtp send needs --server HOST[:PORT], --from ADDRESS and at least one --to ADDRESS");
            }

            if (StartTls && Tls)
            {
                throw new UsageException("--starttls and --tls exclude each other: STARTTLS upgrades a plaintext connection, --tls starts with TLS");
            }

            if (Body is not null && BodyFile is not null)
            {
                throw new UsageException("give the body with --body or --body-file, not both");
            }

            if (!(TimeoutSeconds > 0 && TimeoutSeconds <= 86_400))
            {
                throw new UsageException($"--timeout must be a number of seconds from 0 to 86400, not {TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}");
            }

            if (BodyFile is not null && !File.Exists(BodyFile))
            {
                throw new UsageException($"--body-file: no such file: {BodyFile}");
            }

            if (Attachments.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            {
                throw new UsageException($"--attach: no such file: {missing}");
            }

            Encoding charset;
            try
            {
                Encoding.RegisterProvider(CodePagesEncodingProvider.Instance); // windows-1251, koi8-r ...
                charset = Encoding.GetEncoding(Charset, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            }
            catch (ArgumentException)
            {
                throw new UsageException($"--charset: unknown charset \"{Charset}\"");
            }

            (string, string)? credentials = null;
            if (Auth is not null)
            {
                var colon = Auth.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new UsageException("--auth takes USER:PASS");
                }

                credentials = (Auth[..colon], Auth[(colon + 1)..]);
            }

            var endpoint = NetEndpoint.Parse(Server, SocketTransport.Tcp, defaultPort: Tls ? DefaultTlsPort : DefaultPort);
            if (endpoint.IsDatagram)
            {
                throw new UsageException($"SMTP runs over a stream (TCP or unix:), not {endpoint}");
            }

            return new CheckedRequest(endpoint, Mailbox("--from", From), To.Select(a => Mailbox("--to", a)).ToArray(),
                Cc.Select(a => Mailbox("--cc", a)).ToArray(), Bcc.Select(a => Mailbox("--bcc", a)).ToArray(), charset, credentials);
        }

        private static MailboxAddress Mailbox(string option, string text)
        {
            if (MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal))
            {
                return mailbox;
            }

            throw new UsageException($"{option}: not an e-mail address: \"{text}\"");
        }
    }

    private sealed record CheckedRequest(
        NetEndpoint Endpoint, MailboxAddress From, MailboxAddress[] To, MailboxAddress[] Cc, MailboxAddress[] Bcc, Encoding Charset, (string User, string Password)? Credentials);
}
