using System.CommandLine;
using System.Globalization;
using NetKit.Ftp;
using NetKit.Ftp.Client;
using NetKit.Net;
using NetKit.Transport;
using Spectre.Console;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit ftp ls|get|put|mkdir|rm|mv|mirror`: an FTP client for the shell. The
/// server comes from --server HOST[:PORT] or an ftp:// URL given as the remote
/// path; transfers show a progress bar on a terminal and resume with --continue.
/// </summary>
internal static class FtpCommand
{
    /// <summary>NetKit's own FTP port (21 + 2100, no root needed), used when --server names none.</summary>
    public const int DefaultPort = 2121;

    public static Command Create()
    {
        var command = new Command("ftp", "FTP client commands: list, download, upload, make and remove directories, delete, rename, mirror a tree.");
        command.Subcommands.Add(Create("ls", "List a directory (MLSD facts when the server has them, else LIST).", ["path?"], ListAsync));
        command.Subcommands.Add(Create("get", "Download REMOTE to LOCAL (default: its name, here).", ["remote", "local?"], GetAsync));
        command.Subcommands.Add(Create("put", "Upload LOCAL to REMOTE (default: its name, in the current directory).", ["local", "remote?"], PutAsync));
        command.Subcommands.Add(Create("mkdir", "Make a directory.", ["path"], (s, ct) => RunAsync(s, ct, (client, path) => client.MkdAsync(path, ct))));
        command.Subcommands.Add(Create("rm", "Delete a file (--dir: remove an empty directory).", ["path"], RemoveAsync));
        command.Subcommands.Add(Create("mv", "Rename FROM to TO.", ["from", "to"], MoveAsync));
        command.Subcommands.Add(Create("mirror", "Download the remote directory REMOTE into the folder LOCAL, recursively (--reverse: upload LOCAL into REMOTE).", ["remote", "local"], MirrorAsync));
        return command;
    }

    /// <summary>What every subcommand was given.</summary>
    private sealed record Settings(string[] Arguments, string? Server, string User, string Password, bool Tls, bool ImplicitTls, bool Insecure,
        bool Trace, bool Continue, bool Active, bool Directory, double TimeoutSeconds, bool Reverse = false);

    private static Command Create(string name, string description, string[] arguments, Func<Settings, CancellationToken, Task<int>> body)
    {
        var server = new Option<string?>("--server", "-s") { Description = $"HOST[:PORT] of the FTP server (port {DefaultPort} when none is given). Or give the remote path as ftp://USER:PASS@HOST:PORT/PATH." };
        var user = new Option<string?>("--user", "-u") { Description = "The user name (default: anonymous)." };
        var password = new Option<string?>("--password", "-p") { Description = "The password (default for anonymous: anonymous@)." };
        var tls = new Option<bool>("--tls") { Description = "AUTH TLS on the control connection, and PROT P: data encrypted too." };
        var implicitTls = new Option<bool>("--implicit-tls") { Description = "TLS from the first byte (FTPS, port 990 style)." };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (self-signed test servers)." };
        var trace = new Option<bool>("--trace") { Description = "Print the control connection's wire trace on stderr; the password is hidden." };
        var resume = new Option<bool>("--continue", "-c") { Description = "get/put: resume a partial transfer (REST) instead of starting over." };
        var active = new Option<bool>("--active") { Description = "Active mode (EPRT/PORT): the server connects to us." };
        var directory = new Option<bool>("--dir", "-d") { Description = "rm: remove an empty directory (RMD) instead of a file." };
        var reverse = new Option<bool>("--reverse", "-R") { Description = "mirror: upload the local folder (the first argument) into the remote directory (the second)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection, each reply and each data connection.", DefaultValueFactory = _ => 30 };
        var command = new Command(name, description);
        var args = arguments.Select(a => new Argument<string?>(a.TrimEnd('?')) { Arity = a.EndsWith('?') ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne }).ToArray();
        foreach (var argument in args)
        {
            command.Arguments.Add(argument);
        }

        foreach (var option in new Option[] { server, user, password, tls, implicitTls, insecure, trace, resume, active, timeout })
        {
            command.Options.Add(option);
        }

        if (name == "rm")
        {
            command.Options.Add(directory);
        }

        if (name == "mirror")
        {
            command.Options.Add(reverse);
        }

        CliAction.Set(command, async (parse, ct) =>
        {
            var settings = new Settings(
                [.. args.Select(a => parse.GetValue(a) ?? string.Empty)], parse.GetValue(server), parse.GetValue(user) ?? "anonymous",
                parse.GetValue(password) ?? "anonymous@", parse.GetValue(tls), parse.GetValue(implicitTls), parse.GetValue(insecure),
                parse.GetValue(trace), parse.GetValue(resume), parse.GetValue(active), name == "rm" && parse.GetValue(directory), parse.GetValue(timeout),
                name == "mirror" && parse.GetValue(reverse));
            if (!(settings.TimeoutSeconds > 0 && settings.TimeoutSeconds <= 86_400))
            {
                throw new UsageException($"--timeout must be a number of seconds above 0, not {settings.TimeoutSeconds}");
            }

            return await body(Resolve(settings), ct);
        });
        return command;
    }

    /// <summary>Takes the server, user and password out of an ftp:// URL in the arguments, leaving its path in their place.</summary>
    private static Settings Resolve(Settings settings)
    {
        var arguments = settings.Arguments.ToArray();
        var resolved = settings;
        for (var i = 0; i < arguments.Length; i++)
        {
            if (!arguments[i].StartsWith("ftp://", StringComparison.OrdinalIgnoreCase) && !arguments[i].StartsWith("ftps://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!Uri.TryCreate(arguments[i], UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                throw new UsageException($"not a URL: {arguments[i]}");
            }

            var implicitTls = uri.Scheme.Equals("ftps", StringComparison.OrdinalIgnoreCase);
            var port = uri.IsDefaultPort || uri.Port < 0 ? (implicitTls ? 990 : 21) : uri.Port;
            var userInfo = uri.UserInfo.Split(':', 2);
            resolved = resolved with
            {
                Server = $"{(uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost)}:{port}",
                User = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : resolved.User,
                Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : resolved.Password,
                ImplicitTls = resolved.ImplicitTls || implicitTls,
            };
            arguments[i] = Uri.UnescapeDataString(uri.AbsolutePath);
        }

        if (resolved.Server is null)
        {
            throw new UsageException("ftp needs --server HOST[:PORT] or an ftp://HOST/PATH URL");
        }

        return resolved with { Arguments = arguments };
    }

    private static async Task<FtpClient> ConnectAsync(Settings settings, CancellationToken ct)
    {
        var endpoint = NetEndpoint.Parse(settings.Server!, SocketTransport.Tcp, defaultPort: DefaultPort);
        var options = new FtpClientOptions
        {
            ImplicitTls = settings.ImplicitTls,
            AcceptAnyCertificate = settings.Insecure,
            Passive = !settings.Active,
            Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
            Trace = settings.Trace ? new WireTrace(Console.Error, TraceRole.Client) : null,
        };
        var client = await FtpClient.ConnectAsync(endpoint.Host ?? "127.0.0.1", endpoint.Port, options, ct);
        try
        {
            if (settings.Tls && !settings.ImplicitTls)
            {
                await client.AuthTlsAsync(ct);
            }

            await client.LoginAsync(settings.User, settings.Password, ct);

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task<int> RunAsync(Settings settings, CancellationToken ct, Func<FtpClient, string, Task> action)
    {
        await using var client = await ConnectAsync(settings, ct);
        await action(client, settings.Arguments[0]);
        await client.QuitAsync(ct);
        return ExitCodes.Success;
    }

    private static Task<int> RemoveAsync(Settings settings, CancellationToken ct) =>
        RunAsync(settings, ct, (client, path) => settings.Directory ? client.RmdAsync(path, ct) : client.DeleteAsync(path, ct));

    private static async Task<int> MoveAsync(Settings settings, CancellationToken ct)
    {
        await using var client = await ConnectAsync(settings, ct);
        await client.RenameAsync(settings.Arguments[0], settings.Arguments[1], ct);
        await client.QuitAsync(ct);
        return ExitCodes.Success;
    }

    private static async Task<int> MirrorAsync(Settings settings, CancellationToken ct)
    {
        await using var client = await ConnectAsync(settings, ct);
        var (first, second) = (settings.Arguments[0], settings.Arguments[1]);
        var count = settings.Reverse
            ? await FtpMirror.UploadAsync(client, first, second, ct)
            : await FtpMirror.DownloadAsync(client, first, second, ct);
        await client.QuitAsync(ct);
        await Console.Error.WriteLineAsync($"{count} files {(settings.Reverse ? "uploaded" : "downloaded")}.");
        return ExitCodes.Success;
    }

    private static async Task<int> ListAsync(Settings settings, CancellationToken ct)
    {
        await using var client = await ConnectAsync(settings, ct);
        var path = settings.Arguments[0].Length == 0 ? null : settings.Arguments[0];
        var hasMlsd = (await client.FeaturesAsync(ct)).Any(f => f.StartsWith("MLST", StringComparison.OrdinalIgnoreCase));
        var entries = hasMlsd ? await client.MlsdAsync(path, ct) : await client.ListAsync(path, ct);
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var kind = entry.Type switch { FtpEntryType.Directory => 'd', FtpEntryType.Link => 'l', FtpEntryType.File => '-', _ => '?' };
            var size = entry.Size?.ToString(CultureInfo.InvariantCulture) ?? "-";
            var modified = entry.Modified?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";
            await Console.Out.WriteLineAsync($"{kind} {size,14} {modified,16}  {entry.Name}");
        }

        await client.QuitAsync(ct);
        return ExitCodes.Success;
    }

    private static async Task<int> GetAsync(Settings settings, CancellationToken ct)
    {
        var remote = settings.Arguments[0];
        var local = settings.Arguments[1].Length > 0 ? settings.Arguments[1] : Path.GetFileName(remote.TrimEnd('/'));
        if (local.Length == 0)
        {
            throw new UsageException("get needs a file name, not a directory");
        }

        await using var client = await ConnectAsync(settings, ct);
        var offset = settings.Continue && File.Exists(local) ? new FileInfo(local).Length : 0;
        long? total = null;
        try
        {
            total = await client.SizeAsync(remote, ct);
        }
        catch (FtpCommandException)
        {
            // SIZE is optional (RFC 3659); the bar then shows no end.
        }

        if (total is { } size && offset >= size && offset > 0)
        {
            await Console.Error.WriteLineAsync($"netkit: {local} is already complete ({size} bytes)");
            await client.QuitAsync(ct);
            return ExitCodes.Success;
        }

        await using (var file = new FileStream(local, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            var received = await WithProgressAsync($"get {remote}", total, offset,
                progress => client.DownloadAsync(remote, file, offset, progress, ct));
            await Console.Error.WriteLineAsync($"netkit: got {remote} -> {local}: {received} bytes{(offset > 0 ? $" (resumed at {offset})" : "")}");
        }

        await client.QuitAsync(ct);
        return ExitCodes.Success;
    }

    private static async Task<int> PutAsync(Settings settings, CancellationToken ct)
    {
        var local = settings.Arguments[0];
        var remote = settings.Arguments[1].Length > 0 ? settings.Arguments[1] : Path.GetFileName(local);
        if (!File.Exists(local))
        {
            throw new UsageException($"no such file: {local}");
        }

        await using var client = await ConnectAsync(settings, ct);
        long offset = 0;
        if (settings.Continue)
        {
            try
            {
                offset = await client.SizeAsync(remote, ct);
            }
            catch (FtpCommandException ex) when (ex.Code == 550)
            {
                // Not there yet: the whole file goes.
            }
        }

        await using (var file = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            if (offset > file.Length)
            {
                throw new NetKitException($"the server's {remote} ({offset} bytes) is longer than {local} ({file.Length} bytes); not resuming");
            }

            file.Position = offset;
            var sent = await WithProgressAsync($"put {local}", file.Length, offset,
                progress => client.UploadAsync(remote, file, offset, append: false, progress, ct));
            await Console.Error.WriteLineAsync($"netkit: put {local} -> {remote}: {sent} bytes{(offset > 0 ? $" (resumed at {offset})" : "")}");
        }

        await client.QuitAsync(ct);
        return ExitCodes.Success;
    }

    /// <summary>Runs a transfer with a Spectre.Console progress bar when stderr is a terminal; plainly otherwise.</summary>
    private static async Task<long> WithProgressAsync(string label, long? total, long offset, Func<IProgress<long>?, Task<long>> transfer)
    {
        if (Console.IsErrorRedirected || Console.IsOutputRedirected)
        {
            return await transfer(null);
        }

        long result = 0;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(1, total ?? 1));
                task.Value = offset;
                task.IsIndeterminate = total is null;
                result = await transfer(new Progress(n => task.Value = offset + n));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Reports on the calling thread (the bar is redrawn on its own timer).</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
