using System.CommandLine;
using System.CommandLine.Help;
using NetKit.Cli.Commands;

namespace NetKit.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        // A Command named "netkit" rather than RootCommand: RootCommand takes its name from the
        // entry assembly (NetKit.Cli), so help would print "Usage: NetKit.Cli ...".
        var root = new Command("netkit", "NetKit: network programming, the classic Internet services and protocols, on loopback or anywhere.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(GreetCommand.Create());
        root.Subcommands.Add(ReverseCommand.Create());
        root.Subcommands.Add(ConnectCommand.Create());
        root.Subcommands.Add(DnsCommand.Create());
        root.Subcommands.Add(UsersCommand.Create());
        root.Subcommands.Add(MailCommand.Create());
        root.Subcommands.Add(SmtpCommand.Create());
        root.Subcommands.Add(Pop3Command.Create());
        root.Subcommands.Add(ImapCommand.Create());
        root.Subcommands.Add(FtpCommand.Create());
        root.Subcommands.Add(GopherCommand.Create());
        root.Subcommands.Add(HttpCommand.Create());
        root.Subcommands.Add(TelnetCommand.Create());
        root.Subcommands.Add(NntpCommand.Create()); root.Subcommands.Add(NntpNewsCommand.Create());
        // Ctrl+C and SIGTERM cancel the action's token; a server gets time to stop gracefully.
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(15) };
        return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync(config); // no @response files: `netkit http --data @FILE` means the file's bytes
    }
}
