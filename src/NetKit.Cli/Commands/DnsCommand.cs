using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NetKit.Net;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit dns</c>: host and service look-ups, as the socket module's
/// gethostname, getaddrinfo, gethostbyaddr, getservbyname and getservbyport.
/// </summary>
internal static class DnsCommand
{
    public static Command Create()
    {
        var command = new Command("dns", "Look up host names, addresses and service ports.");
        command.Subcommands.Add(CreateHostname());
        command.Subcommands.Add(CreateLookup());
        command.Subcommands.Add(CreateReverse());
        command.Subcommands.Add(CreateService());
        command.Subcommands.Add(CreatePort());
        return command;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object instead of plain lines." };

    private static Command CreateHostname()
    {
        var command = new Command("hostname", "Print this machine's host name.");
        CliAction.Set(command, async (parse, ct) =>
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync(HostLookup.GetHostName().AsMemory(), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateLookup()
    {
        var name = new Argument<string>("name") { Description = "The host name (or address) to resolve." };
        var json = JsonOption();
        var command = new Command("lookup", "Print every IPv4 and IPv6 address of a host, one per line.");
        command.Arguments.Add(name);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            var host = parse.GetRequiredValue(name);
            var addresses = await HostLookup.GetAddressesAsync(host, ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var obj = new JsonObject { ["name"] = host, ["addresses"] = Strings(addresses) };
                await output.WriteLineAsync(obj.ToJsonString().AsMemory(), ct);
            }
            else
            {
                foreach (var address in addresses)
                {
                    await output.WriteLineAsync(address.ToString().AsMemory(), ct);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateReverse()
    {
        var address = new Argument<string>("address") { Description = "The address (or host name, resolved first) to look up." };
        var json = JsonOption();
        var command = new Command("reverse", "Print the name of an address, then its aliases and addresses.");
        command.Arguments.Add(address);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            var entry = await HostLookup.GetHostByAddressAsync(parse.GetRequiredValue(address), ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var obj = new JsonObject
                {
                    ["name"] = entry.Name,
                    ["aliases"] = Strings(entry.Aliases),
                    ["addresses"] = Strings(entry.Addresses),
                };
                await output.WriteLineAsync(obj.ToJsonString().AsMemory(), ct);
            }
            else
            {
                await output.WriteLineAsync(entry.Name.AsMemory(), ct);
                foreach (var line in entry.Aliases.Concat(entry.Addresses.Select(a => a.ToString())))
                {
                    await output.WriteLineAsync(line.AsMemory(), ct);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateService()
    {
        var service = new Argument<string>("service") { Description = "A service name, optionally with its protocol: smtp, echo/udp." };
        var json = JsonOption();
        var command = new Command("service", "Print the port of a service name (getservbyname).");
        command.Arguments.Add(service);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            var (name, protocol) = SplitProtocol(parse.GetRequiredValue(service));
            var entry = ServiceNames.FindByName(name, protocol) ?? throw new ServiceNotFoundException(name, protocol);
            var text = parse.GetValue(json)
                ? EntryJson(entry).ToJsonString()
                : entry.Port.ToString(CultureInfo.InvariantCulture);
            await parse.InvocationConfiguration.Output.WriteLineAsync(text.AsMemory(), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreatePort()
    {
        var portArgument = new Argument<string>("port") { Description = "A port number, optionally with its protocol: 25, 7/udp." };
        var json = JsonOption();
        var command = new Command("port", "Print the service name of a port (getservbyport).");
        command.Arguments.Add(portArgument);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            var (portText, protocol) = SplitProtocol(parse.GetRequiredValue(portArgument));
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                throw new UsageException($"not a port number: \"{portText}\" (0-65535)");
            }

            var entry = ServiceNames.FindByPort(port, protocol) ?? throw ServiceNotFoundException.ForPort(port, protocol);
            var text = parse.GetValue(json) ? EntryJson(entry).ToJsonString() : entry.Name;
            await parse.InvocationConfiguration.Output.WriteLineAsync(text.AsMemory(), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Splits <c>smtp/tcp</c> into name and protocol; the protocol defaults to tcp.</summary>
    private static (string Value, string Protocol) SplitProtocol(string text)
    {
        var slash = text.LastIndexOf('/');
        if (slash < 0)
        {
            return (text, "tcp");
        }

        var value = text[..slash];
        var protocol = text[(slash + 1)..].ToLowerInvariant();
        if (value.Length == 0 || protocol is not ("tcp" or "udp"))
        {
            throw new UsageException($"expected NAME, NAME/tcp or NAME/udp, not \"{text}\"");
        }

        return (value, protocol);
    }

    private static JsonObject EntryJson(ServiceEntry entry) => new()
    {
        ["name"] = entry.Name,
        ["port"] = entry.Port,
        ["protocol"] = entry.Protocol,
        ["aliases"] = Strings(entry.Aliases),
    };

    private static JsonArray Strings<T>(IEnumerable<T> items) where T : notnull =>
        new([.. items.Select(i => (JsonNode?)JsonValue.Create(i.ToString()))]);
}
