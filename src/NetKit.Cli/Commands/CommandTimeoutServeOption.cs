using System.CommandLine;
using NetKit.Pop3.Server;
using NetKit.Services;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit serve --command-timeout`: the time a client has to send one whole command line,
/// for the protocols that have such a deadline and answer it in their own words (SMTP 421,
/// POP3 -ERR, NNTP 400, Gopher's error item). Not given: each protocol keeps its default.
/// </summary>
internal sealed class CommandTimeoutServeOption
{
    private readonly Option<double?> _seconds = new("--command-timeout")
    {
        Description = "SMTP, POP3, NNTP, Gopher: seconds a client may take to send one whole command line. "
            + "Default: each protocol's own (SMTP 300, POP3 and NNTP 600, Gopher 30). IMAP, FTP and Telnet use --idle-timeout, "
            + "which bytes trickled without a line end do not reset.",
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
        Gopher = context.Gopher is { } gopher ? gopher with { RequestTimeout = timeout } : null,
        News = context.News is { } news ? (news.Options with { CommandTimeout = timeout }, news.Store) : null,
    };
}
