using System.CommandLine;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit connect [--udp] HOST:PORT`: netcat. Standard input goes to the
/// socket, the socket to standard output; works in a pipe and at a terminal.
/// </summary>
internal static class ConnectCommand
{
    public static Command Create()
    {
        var endpoint = new Argument<string>("endpoint") { Description = "HOST:PORT, [v6]:PORT, tcp://, udp://, unix:/path or unixgram:/path." };
        var udp = new Option<bool>("--udp", "-u") { Description = "Use datagrams: each line of stdin is one datagram." };
        var tls = new Option<bool>("--tls") { Description = "Speak TLS over the connection (implicit TLS)." };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "With --tls: accept any server certificate (self-signed test servers)." };
        var wait = new Option<double>("--wait", "-w") { Description = "After stdin ends: seconds to wait for datagram answers (UDP).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("connect", "Connect stdin and stdout to a socket, like netcat.");
        command.Arguments.Add(endpoint);
        command.Options.Add(udp);
        command.Options.Add(tls);
        command.Options.Add(insecure);
        command.Options.Add(wait);
        CliAction.Set(command, async (parse, ct) =>
        {
            if (parse.GetValue(wait) is var seconds && !(seconds >= 0 && seconds <= 86_400))
            {
                throw new UsageException($"--wait must be a number of seconds from 0 to 86400, not {seconds}");
            }

            var target = NetEndpoint.Parse(parse.GetValue(endpoint)!, parse.GetValue(udp) ? SocketTransport.Udp : SocketTransport.Tcp);
            if (parse.GetValue(udp) && !target.IsDatagram)
            {
                target = target.WithTransport(SocketTransport.Udp);
            }

            return target.IsDatagram
                ? await DatagramsAsync(await target.ResolveAsync(ct), TimeSpan.FromSeconds(parse.GetValue(wait)), ct)
                : await StreamAsync(target, parse.GetValue(tls), parse.GetValue(insecure), ct);
        });
        return command;
    }

    private static async Task<int> StreamAsync(NetEndpoint target, bool tls, bool insecure, CancellationToken ct)
    {
        await using var connection = await NetConnection.ConnectAsync(target, NetConnection.DefaultConnectTimeout, ct);
        if (tls)
        {
            await connection.UpgradeToClientTlsAsync(target.Host ?? "localhost", insecure, ct);
        }

        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        var download = CopyToStdoutAsync(connection, stdout, ct);
        var upload = Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await stdin.ReadAsync(buffer, ct)) > 0)
            {
                await connection.WriteAsync(buffer.AsMemory(0, n), ct);
            }

            // Half-close: the server sees the end of our input and can answer the rest.
            connection.ShutdownSend();
        }, ct);

        // The session ends when the server closes; a stdin still open does not hold it.
        await download;
        if (upload.IsFaulted)
        {
            await upload;
        }

        return ExitCodes.Success;
    }

    private static async Task CopyToStdoutAsync(NetConnection connection, Stream stdout, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await connection.ReadAsync(buffer, ct)) > 0)
        {
            await stdout.WriteAsync(buffer.AsMemory(0, n), ct);
            await stdout.FlushAsync(ct);
        }
    }

    private static async Task<int> DatagramsAsync(System.Net.EndPoint remote, TimeSpan wait, CancellationToken ct)
    {
        using var client = DatagramClient.Open(remote);
        using var stdout = Console.OpenStandardOutput();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var answers = Task.Run(async () =>
        {
            client.ReceiveTimeout = Timeout.InfiniteTimeSpan;
            var buffer = new byte[DatagramServer.MaxDatagramSize];
            try
            {
                while (true)
                {
                    var n = await client.ReceiveAsync(buffer, done.Token);
                    await stdout.WriteAsync(buffer.AsMemory(0, n), done.Token);
                    await stdout.FlushAsync(done.Token);
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
            }
        }, ct);

        var stdin = Console.In;
        while (await stdin.ReadLineAsync(ct) is { } line)
        {
            await client.SendAsync(System.Text.Encoding.UTF8.GetBytes(line + "\n"), ct);
        }

        await Task.WhenAny(answers, Task.Delay(wait, ct));
        await done.CancelAsync();
        await answers;
        return ExitCodes.Success;
    }
}
