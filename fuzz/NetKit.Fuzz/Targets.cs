using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Gopher;
using NetKit.Imap;
using NetKit.Net;
using NetKit.Nntp;
using NetKit.Pop3;
using NetKit.Smtp;
using NetKit.Telnet;
using NetKit.Transport;
using static NetKit.Fuzz.Harness;

namespace NetKit.Fuzz;

/// <summary>
/// Every target: bytes as a peer sends them, fed to the entry point NetKit's servers or clients
/// call with what they read. Each name is also the folder of its seeds under fuzz/corpus/.
/// </summary>
internal static class Targets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["smtp-command"] = SmtpCommand,
        ["smtp-reply"] = SmtpReplies,
        ["smtp-data"] = SmtpData,
        ["xtext"] = XTextRoundTrip,
        ["pop3-command"] = Pop3Command,
        ["pop3-response"] = Pop3Responses,
        ["imap-command"] = ImapCommands.Run,
        ["imap-response"] = ImapResponses,
        ["imap-utf7"] = ImapUtf7RoundTrip,
        ["nntp-command"] = NntpCommand,
        ["nntp-response"] = NntpResponses,
        ["ftp-command"] = FtpCommand,
        ["ftp-reply"] = FtpReplies,
        ["telnet"] = TelnetNegotiation.Run,
        ["gopher-menu"] = GopherMenus,
        ["endpoint"] = Endpoints,
    };

    /// <summary>SmtpSession: verb and argument of each line, then MAIL/RCPT through the envelope parser.</summary>
    private static void SmtpCommand(byte[] input)
    {
        foreach (var line in Lines(input, 4096))
        {
            var verb = SmtpCommandLine.Parse(line, out var argumentBytes);
            var argument = Encoding.UTF8.GetString(argumentBytes);
            switch (verb)
            {
                case SmtpVerb.Mail:
                    SmtpEnvelopeParser.TryParseMail(argument, out _, out _);
                    break;
                case SmtpVerb.Rcpt:
                    SmtpEnvelopeParser.TryParseRcpt(argument, smtpUtf8: false, out _, out _);
                    SmtpEnvelopeParser.TryParseRcpt(argument, smtpUtf8: true, out _, out _);
                    break;
                default:
                    SmtpMailbox.TryParse(argument, allowUtf8: true, out _, out _);
                    break;
            }
        }
    }

    /// <summary>SmtpClient: replies one after another, an EHLO reply's capabilities.</summary>
    private static void SmtpReplies(byte[] input)
    {
        using var reader = Reader(input);
        while (true)
        {
            var reply = Sync(SmtpReplyParser.ReadAsync(reader));
            if (reply.Code == 250)
            {
                SmtpCapabilities.Parse(reply);
            }
        }
    }

    /// <summary>SmtpSession DATA: dot-unstuffing to the end mark; what it kept, stuffed again, reads back the same.</summary>
    private static void SmtpData(byte[] input)
    {
        using var reader = Reader(input);
        var message = new ArrayBufferWriter<byte>();
        var outcome = Sync(SmtpDataReader.ReadAsync(reader, message, 1 << 20));
        if (outcome != SmtpDataOutcome.Complete)
        {
            return;
        }

        var kept = message.WrittenSpan.ToArray();
        var stuffed = DotStuffer.Encode(kept);
        using var again = Reader(stuffed);
        var back = new ArrayBufferWriter<byte>();
        var outcomeBack = Sync(SmtpDataReader.ReadAsync(again, back, 1 << 20));
        Check(outcomeBack == SmtpDataOutcome.Complete && back.WrittenSpan.SequenceEqual(kept), "SmtpDataReader(DotStuffer.Encode(m)) == m");
    }

    /// <summary>RFC 3461 xtext (ENVID, ORCPT): decode, and a decoded value encodes back to something that decodes to it.</summary>
    private static void XTextRoundTrip(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (XText.TryDecode(text, out var value))
        {
            Check(XText.TryDecode(XText.Encode(value), out var back) && back == value, "XText.TryDecode(XText.Encode(v)) == v");
        }
    }

    /// <summary>Pop3Session: each line through the command parser.</summary>
    private static void Pop3Command(byte[] input)
    {
        foreach (var line in TextLines(input))
        {
            Pop3CommandLine.Parse(line);
            Pop3CommandLine.RestOfLine(line);
        }
    }

    /// <summary>Pop3Client: status lines, then a multi-line body read to its end mark.</summary>
    private static void Pop3Responses(byte[] input)
    {
        using var reader = Reader(input);
        var first = Sync(reader.ReadLineAsync().AsTask());
        if (first.Status != LineStatus.Line)
        {
            return;
        }

        Pop3Response.TryParse(first.Text, out _);
        foreach (var line in Sync(Pop3MultilineReader.ReadLinesAsync(reader, 1 << 20)))
        {
            Pop3Response.TryParse(line, out _);
        }
    }

    /// <summary>ImapClient: each response (lines and literals), and the ENVELOPE/BODYSTRUCTURE of a FETCH.</summary>
    private static void ImapResponses(byte[] input)
    {
        foreach (var command in ImapCommandsIn(input))
        {
            var response = ImapResponse.Parse(command);
            if (response.Name == "FETCH" && response.Values.Count == 1)
            {
                var items = response.Values[0].Items;
                for (var i = 0; i + 1 < items.Count; i += 2)
                {
                    switch (items[i].Text?.ToUpperInvariant())
                    {
                        case "ENVELOPE":
                            ImapEnvelope.Parse(items[i + 1]);
                            break;
                        case "BODYSTRUCTURE" or "BODY":
                            ImapBodyStructure.Parse(items[i + 1]);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>RFC 3501 modified UTF-7 mailbox names: a name that decodes encodes back to one that decodes the same.</summary>
    private static void ImapUtf7RoundTrip(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (ImapUtf7.TryDecode(text, out var name))
        {
            Check(ImapUtf7.TryDecode(ImapUtf7.Encode(name), out var back) && back == name, "ImapUtf7.TryDecode(ImapUtf7.Encode(n)) == n");
        }
    }

    /// <summary>NntpSession: each word of each command as a range, a wildmat, and pairs as NEWGROUPS/NEWNEWS date and time.</summary>
    private static void NntpCommand(byte[] input)
    {
        foreach (var line in TextLines(input))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < words.Length; i++)
            {
                NntpRange.TryParse(words[i], out _);
                Wildmat.TryParse(words[i], out _);
                if (i + 1 < words.Length)
                {
                    NntpDateTime.TryParse(words[i], words[i + 1], out _);
                }
            }
        }
    }

    /// <summary>NntpClient: a status line, a multi-line body; its lines as OVER lines; the body as an article's headers.</summary>
    private static void NntpResponses(byte[] input)
    {
        using var reader = Reader(input);
        var first = Sync(reader.ReadLineAsync().AsTask());
        if (first.Status != LineStatus.Line)
        {
            return;
        }

        NntpResponse.TryParse(first.Text, out _);
        var content = new ArrayBufferWriter<byte>();
        if (Sync(NntpMultiLine.ReadAsync(reader, content, 1 << 20)) != SmtpDataOutcome.Complete)
        {
            return;
        }

        foreach (var line in NntpMultiLine.SplitLines(content.WrittenSpan))
        {
            NntpOverview.TryParse(line, out _);
            NntpResponse.TryParse(line, out _);
        }

        NntpArticleHeaders.Parse(content.WrittenSpan);
    }

    /// <summary>FtpSession: each line as a request; PORT/EPRT arguments as addresses.</summary>
    private static void FtpCommand(byte[] input)
    {
        foreach (var line in TextLines(input))
        {
            if (FtpRequest.TryParse(line, out var request))
            {
                FtpAddresses.TryParseHostPort(request.Argument, out _);
                FtpAddresses.TryParseExtended(request.Argument, out _);
            }
        }
    }

    /// <summary>FtpClient: replies (PASV/EPSV addresses in them), and LIST and MLSD lines.</summary>
    private static void FtpReplies(byte[] input)
    {
        var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        foreach (var line in TextLines(input))
        {
            FtpListParser.Parse(line, now);
            FtpAddresses.TryParsePassiveReply(line, out _);
            FtpAddresses.TryParseExtendedPassiveReply(line, out _);
            try
            {
                FtpFacts.Parse(line);
            }
            catch (FtpProtocolException)
            {
                // Not an MLSD line: the replies below still get their turn.
            }
        }

        using var reader = Reader(input);
        while (true)
        {
            Sync(FtpReplyParser.ReadAsync(reader));
        }
    }

    /// <summary>GopherClient: a whole menu; each line also as a gopher:// URL.</summary>
    private static void GopherMenus(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        GopherMenu.Parse(text);
        foreach (var line in text.Split('\n'))
        {
            GopherItem.TryParse(line.TrimEnd('\r'), out _);
            GopherText.Decode(line);
            try
            {
                GopherUrl.Parse(line.TrimEnd('\r'));
            }
            catch (FormatException)
            {
            }
        }
    }

    /// <summary>NetEndpoint: each line as an endpoint, as the CLI and the servers' options read them (EndpointFormatException and ServiceNotFoundException are its answers).</summary>
    private static void Endpoints(byte[] input)
    {
        // Parse, not TryParse: TryParse also swallows ArgumentException, which would hide a bug here.
        foreach (var line in TextLines(input))
        {
            try
            {
                NetEndpoint.Parse(line);
                NetEndpoint.Parse(line, SocketTransport.Udp, "::1", 7);
            }
            catch (EndpointFormatException)
            {
            }
        }
    }
}
