using System.CommandLine;
using NetKit.Cli.Commands;

namespace NetKit.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var root = new RootCommand("NetKit: network programming, the classic Internet services and protocols, on loopback or anywhere.");
        root.Subcommands.Add(DnsCommand.Create());
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        return await root.Parse(args).InvokeAsync(config);
    }
}
