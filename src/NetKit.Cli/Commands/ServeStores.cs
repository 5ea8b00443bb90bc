using Microsoft.Extensions.Logging;
using NetKit.Ftp.Server;
using NetKit.Imap.Server;
using NetKit.Mail;
using NetKit.Services;
using NetKit.Smtp.Server;

namespace NetKit.Cli.Commands;

/// <summary>The stores a run of `netkit serve` opens for its services (the mail store, DIR/mail.db), closed when it ends.</summary>
internal sealed class ServeStores : IAsyncDisposable
{
    private MailStore? _mail;

    /// <summary>Opens the mail store: SMTP delivers into it and checks AUTH against its users; IMAP serves it; FTP logins are its users.</summary>
    public ServeContext CreateContext(string dataDirectory, SmtpServerOptions smtp, ILoggerFactory logging, ImapServerOptions? imap = null, FtpServerOptions? ftp = null)
    {
        _mail ??= MailStore.Open(dataDirectory, CliPaths.StoreOptions());
        return new ServeContext(logging, smtp with { Users = _mail }, new MailStoreMessageStore(_mail))
        {
            Store = _mail,
            Imap = imap ?? new ImapServerOptions(),
            Ftp = ftp is null ? null : ftp with { Authenticate = FtpMailStoreLogins.For(_mail) },
        };
    }

    private NetKit.Nntp.NewsStore? _news;

    /// <summary>Opens the news store (DIR/news.db) for NNTP, creates the groups asked for, and adds both to the context.</summary>
    public async Task<ServeContext> AddNewsAsync(ServeContext context, string dataDirectory, NntpServeSettings settings, CancellationToken ct)
    {
        _news ??= NetKit.Nntp.NewsStore.Open(dataDirectory, CliPaths.StoreOptions());
        foreach (var group in settings.Groups)
        {
            await _news.AddGroupAsync(group, ct: ct);
        }

        return context with { News = (settings.Options with { Users = _mail }, _news) };
    }

    public async ValueTask DisposeAsync()
    {
        if (_news is not null)
        {
            await _news.DisposeAsync();
        }

        if (_mail is not null)
        {
            await _mail.DisposeAsync();
        }
    }
}
