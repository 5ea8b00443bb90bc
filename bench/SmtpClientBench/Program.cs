// Sends COUNT messages over one connection to an SMTP server (bench/smtp-client.sh
// starts Postfix's smtp-sink) and prints the rate, for one client at a time:
//   ours       NetKit's SmtpClient, a MimeKit message (formatted per send, as MailKit does)
//   ours-raw   NetKit's SmtpClient, the same message as bytes (what smtplib.sendmail gets)
//   mailkit    MailKit's SmtpClient, the same MimeKit message
//   write FILE writes the message's bytes, for the Python smtplib run
using System.Diagnostics;
using System.Globalization;
using MailKit.Security;
using MimeKit;
using NetKit.Smtp;

var crlf = FormatOptions.Default.Clone();
crlf.NewLineFormat = NewLineFormat.Dos;
var mode = args.Length > 0 ? args[0] : "ours";
if (mode == "write")
{
    await using var file = File.Create(args[1]);
    await Message().WriteToAsync(crlf, file);
    return 0;
}

var port = int.Parse(args[1], CultureInfo.InvariantCulture);
var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
var warmup = count; // Enough for tiered JIT to settle, the same for every client.
var message = Message();

// Warm up (JIT, tiering, pools) on a connection of its own, then measure on a fresh one.
await RunAsync(mode, port, warmup, message, crlf);
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var seconds = await RunAsync(mode, port, count, message, crlf);
var cpuPerMessage = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode}: {count} messages over one connection in {seconds:0.000} s, client CPU {cpuPerMessage:0} us/message = {count / seconds:0} messages/s"));
return 0;

static async Task<double> RunAsync(string mode, int port, int count, MimeMessage message, FormatOptions crlf)
{
    switch (mode)
    {
        case "ours":
        case "ours-raw":
        {
            await using var client = new SmtpClient(new SmtpClientOptions { Security = SmtpSecurity.None });
            await client.ConnectAsync("127.0.0.1", port);
            var envelope = new SmtpEnvelope("sender@example.org", "recipient@example.org");
            using var bytes = new MemoryStream();
            await message.WriteToAsync(crlf, bytes);
            var raw = bytes.ToArray();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                if (mode == "ours")
                {
                    await client.SendAsync(message);
                }
                else
                {
                    await client.SendAsync(envelope, raw);
                }
            }

            var elapsed = clock.Elapsed.TotalSeconds;
            await client.QuitAsync();
            return elapsed;
        }

        case "mailkit":
        {
            using var client = new MailKit.Net.Smtp.SmtpClient();
            await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await client.SendAsync(message);
            }

            var elapsed = clock.Elapsed.TotalSeconds;
            await client.DisconnectAsync(quit: true);
            return elapsed;
        }

        default:
            throw new ArgumentException($"unknown mode {mode}: ours, ours-raw, mailkit or write FILE");
    }
}

// About 2 KiB, as ../shared/bench/smtp-compare sends: headers and a plain-text body.
static MimeMessage Message()
{
    var message = new MimeMessage();
    message.From.Add(new MailboxAddress("Sender", "sender@example.org"));
    message.To.Add(new MailboxAddress("Recipient", "recipient@example.org"));
    message.Subject = "NetKit SMTP client benchmark";
    message.Date = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    message.MessageId = "bench@example.org";
    var line = "The quick brown fox jumps over the lazy dog; the quick brown fox jumps again.\n";
    message.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(line, 24)) };
    return message;
}
