using System.CommandLine;
using NetKit.Net;
using NetKit.Services;

namespace NetKit.Cli.Commands;

/// <summary>`netkit greet [HOST[:PORT]]`: the seed's client; prints what the greeting server says.</summary>
internal static class GreetCommand
{
    public static Command Create()
    {
        var endpoint = new Argument<string>("endpoint")
        {
            Description = $"HOST[:PORT], a port, or unix:/path (default 127.0.0.1:{GreetingService.DefaultPort}).",
            DefaultValueFactory = _ => $"127.0.0.1:{GreetingService.DefaultPort}",
        };
        var command = new Command("greet", "Connect to a greeting server and print what it says.");
        command.Arguments.Add(endpoint);
        CliAction.Set(command, async (parse, ct) =>
        {
            var target = NetEndpoint.Parse(parse.GetValue(endpoint)!, defaultPort: GreetingService.DefaultPort);
            if (target.IsDatagram)
            {
                throw new UsageException($"the greeting service speaks over streams (TCP or unix:), not {target}");
            }

            var text = await GreetingClient.ReadAsync(target, cancellationToken: ct);
            await Console.Out.WriteLineAsync(text.TrimEnd('\r', '\n'));
            return ExitCodes.Success;
        });
        return command;
    }
}
