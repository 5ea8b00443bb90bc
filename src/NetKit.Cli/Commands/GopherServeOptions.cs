using System.CommandLine;
using NetKit.Gopher.Server;

namespace NetKit.Cli.Commands;

/// <summary>The options of `netkit serve` that shape its Gopher service.</summary>
internal sealed class GopherServeOptions
{
    private readonly Option<string?> _root = new("--gopher-root")
    {
        Description = "Gopher: the directory served. Default: DATA/gopher, created with a welcome gophermap.",
    };

    private readonly Option<string?> _hostName = new("--gopher-hostname")
    {
        Description = "Gopher: the host name menus point at. Default: the address the client connected to.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_root);
        command.Options.Add(_hostName);
    }

    /// <summary>The Gopher options; a root given must exist.</summary>
    public GopherServerOptions Read(ParseResult parse, string dataDirectory)
    {
        // The default root is made, with a welcome, when the service starts (ServiceCatalog).
        var root = parse.GetValue(_root) ?? Path.Combine(dataDirectory, "gopher");
        if (parse.GetValue(_root) is not null && !Directory.Exists(root))
        {
            throw new UsageException($"--gopher-root {root}: no such directory");
        }

        var hostName = parse.GetValue(_hostName);
        if (hostName is not null && (hostName.Length == 0 || hostName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new UsageException("--gopher-hostname takes one host name, such as gopher.example.com");
        }

        return new GopherServerOptions { Root = Path.GetFullPath(root), HostName = hostName };
    }
}
