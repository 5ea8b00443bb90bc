using System.CommandLine;
using NetKit.Pop3.Server;
using NetKit.Services;
using NetKit.Telnet;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit serve --command-timeout`: the time a client has to send one whole command line,
/// for every line protocol, each answering it in its own words (SMTP 421, POP3 -ERR, IMAP
/// "* BYE", FTP 421, NNTP 400, Telnet's goodbye line, Gopher's error item). Not given: each
/// protocol keeps its default.
/// </summary>
internal sealed class CommandTimeoutServeOption
{
    private readonly Option<double?> _seconds = new("--command-timeout")
    {
        Description = "SMTP, POP3, IMAP, FTP, NNTP, Telnet, Gopher: seconds a client may take to send one whole command line "
            + "(IMAP's autologout; FTP's is paused during a transfer). "
            + "Default: each protocol's own (SMTP 300, POP3 and NNTP 600, IMAP 1800, FTP 300, Telnet 240, Gopher 30).",
    };

    public void AddTo(Command command) => command.Options.Add(_seconds);

    /// <summary>The timeout given, or null; a <see cref="UsageException"/> for a value that makes no sense.</summary>
    public TimeSpan? Read(ParseResult parse)
    {
        if (parse.GetValue(_seconds) is not { } seconds)
        {
            return null;
        }

        if (!(seconds > 0 && seconds <= 86_400))
        {
            throw new UsageException($"--command-timeout must be a number of seconds above 0 and at most 86400, not {seconds}");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The context with <paramref name="timeout"/> as every line-reading protocol's command deadline.</summary>
    public static ServeContext Apply(ServeContext context, TimeSpan timeout) => context with
    {
        Smtp = context.Smtp with { CommandTimeout = timeout },
        Pop3 = (context.Pop3 ?? new Pop3ServerOptions()) with { CommandTimeout = timeout },
        Imap = context.Imap with { CommandTimeout = timeout },
        Ftp = context.Ftp is { } ftp ? ftp with { CommandTimeout = timeout } : null,
        Telnet = (context.Telnet ?? new TelnetServerOptions()) with { CommandTimeout = timeout },
        Gopher = context.Gopher is { } gopher ? gopher with { RequestTimeout = timeout } : null,
        News = context.News is { } news ? (news.Options with { CommandTimeout = timeout }, news.Store) : null,
    };
}
