using System.CommandLine;
using System.Net;
using NetKit.Net;
using NetKit.Smtp.Server;

namespace NetKit.Cli.Commands;

/// <summary>The options of `netkit serve` that shape its SMTP service.</summary>
internal sealed class SmtpServeOptions
{
    private readonly Option<string[]> _domains = new("--domain")
    {
        Description = "A local mail domain (repeatable): its users' mail is accepted. Default: localhost.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> _catchAll = new("--catch-all")
    {
        Description = "SMTP: accept mail for every address on every domain, each into a mailbox named by the address (for testing; never relays).",
    };

    private readonly Option<bool> _catchAllPublic = new("--catch-all-public")
    {
        Description = "SMTP: allow --catch-all on an address other than loopback (anyone who can connect can then fill the store).",
    };

    private readonly Option<string?> _hostName = new("--smtp-hostname") { Description = "SMTP: the name in the greeting and the EHLO reply. Default: localhost." };

    private readonly Option<long> _maxMessageSize = new("--max-message-size")
    {
        Description = "SMTP: the biggest message accepted, in bytes (at most 999000000, what the store can keep).",
        DefaultValueFactory = _ => new SmtpServerOptions().MaxMessageSize,
    };

    private readonly Option<int> _maxRecipients = new("--max-recipients")
    {
        Description = "SMTP: recipients per message.",
        DefaultValueFactory = _ => new SmtpServerOptions().MaxRecipients,
    };

    private readonly Option<bool> _allowPlaintextAuth = new("--allow-plaintext-auth")
    {
        Description = "SMTP and POP3: allow AUTH PLAIN/LOGIN (and POP3's USER/PASS) without TLS, from loopback peers only.",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _domains, _catchAll, _catchAllPublic, _hostName, _maxMessageSize, _maxRecipients, _allowPlaintextAuth })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The SMTP options as given; a <see cref="UsageException"/> for values that make
    /// no sense, for SMTP options when smtp is not served (<paramref name="smtpEndpoints"/>
    /// empty), and for --catch-all on a public address without --catch-all-public.
    /// </summary>
    public SmtpServerOptions Read(ParseResult parse, IReadOnlyCollection<NetEndpoint> smtpEndpoints)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(smtpEndpoints);
        if (smtpEndpoints.Count == 0
            && new Option[] { _domains, _catchAll, _catchAllPublic, _hostName, _maxMessageSize, _maxRecipients }
                .FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
        {
            throw new UsageException($"{stray.Name} is an SMTP option, but smtp is not among the services served (add smtp, or leave {stray.Name} out)");
        }

        var defaults = new SmtpServerOptions();
        var size = parse.GetValue(_maxMessageSize);
        var recipients = parse.GetValue(_maxRecipients);
        if (size < 1 || recipients < 1)
        {
            throw new UsageException("--max-message-size and --max-recipients must be at least 1");
        }

        if (size > MailStoreMessageStore.MaxStorableMessageSize)
        {
            throw new UsageException($"--max-message-size can be at most {MailStoreMessageStore.MaxStorableMessageSize} bytes (the mail store's limit), not {size}");
        }

        var catchAll = parse.GetValue(_catchAll);
        if (catchAll && !parse.GetValue(_catchAllPublic) && smtpEndpoints.FirstOrDefault(e => !IsLocal(e)) is { } exposed)
        {
            throw new UsageException(
                $"--catch-all on {exposed} would take mail for any address from anyone who can reach it (an open sink that fills the disk); "
                + "serve smtp on loopback, or add --catch-all-public if that is what you want");
        }

        var domains = (parse.GetValue(_domains) ?? []).Select(d => d.Trim().TrimEnd('.')).ToArray();
        if (domains.Any(d => d.Length == 0 || d.Contains(' ', StringComparison.Ordinal) || d.Contains('@', StringComparison.Ordinal)))
        {
            throw new UsageException("--domain takes a domain name, such as example.com");
        }

        var hostName = parse.GetValue(_hostName);
        if (hostName is not null && (hostName.Length == 0 || hostName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new UsageException("--smtp-hostname takes one host name, such as mail.example.com");
        }

        return defaults with
        {
            LocalDomains = domains.Length > 0 ? domains : defaults.LocalDomains,
            CatchAll = catchAll,
            HostName = hostName ?? defaults.HostName,
            MaxMessageSize = size,
            MaxBufferedMessageBytes = Math.Max(defaults.MaxBufferedMessageBytes, size),
            MaxRecipients = recipients,
            AllowPlaintextAuth = parse.GetValue(_allowPlaintextAuth),
        };
    }

    /// <summary>Loopback or a Unix socket: only this machine can connect.</summary>
    private static bool IsLocal(NetEndpoint endpoint) =>
        endpoint.IsUnix
        || string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(endpoint.Host, out var address) && IPAddress.IsLoopback(address));
}
