using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using NetKit.Transport;

namespace NetKit.Tests.Support;

/// <summary>One message as `netkit mail list --json` shows it: its id and account, and the whole JSON object.</summary>
public sealed record ListedMail(long Id, string Account, JsonElement Json);

/// <summary>
/// A `netkit serve smtp=127.0.0.1:0 --data DIR ...` process with a data directory
/// of its own (deleted at the end), and the CLI commands that read what it stored
/// (`netkit mail list --json`, `netkit mail show ID [--raw]`) and add users.
/// </summary>
public sealed class SmtpServeProcess : IAsyncDisposable
{
    private readonly bool _ownsData;

    private SmtpServeProcess(ServeProcess serve, string dataDirectory, bool ownsData)
    {
        Serve = serve;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
    }

    public ServeProcess Serve { get; }

    public string DataDirectory { get; }

    public int Port => Serve.Port("smtp");

    /// <summary>A new empty data directory for one test.</summary>
    public static string NewDataDirectory() =>
        Directory.CreateTempSubdirectory("netkit-smtp-test-").FullName;

    /// <summary>Starts the server on a data directory of its own; <paramref name="options"/> go after `serve smtp=... --data DIR`.</summary>
    public static Task<SmtpServeProcess> StartAsync(params string[] options) => StartAsync(NewDataDirectory(), ownsData: true, options);

    /// <summary>Adds a user (`netkit users add`) to a new data directory, then starts the server on it.</summary>
    public static async Task<SmtpServeProcess> StartWithUserAsync(string user, string password, params string[] options)
    {
        var data = NewDataDirectory();
        try
        {
            await AddUserAsync(data, user, password);
            return await StartAsync(data, ownsData: true, options);
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }
    }

    /// <summary>Starts the server on <paramref name="dataDirectory"/> (a restart); the caller deletes it.</summary>
    public static Task<SmtpServeProcess> StartOnAsync(string dataDirectory, params string[] options) => StartAsync(dataDirectory, ownsData: false, options);

    /// <summary>`netkit users add NAME --password PW --data DIR`.</summary>
    public static async Task AddUserAsync(string dataDirectory, string name, string password)
    {
        var add = await NetkitCli.RunAsync("users", "add", name, "--password", password, "--data", dataDirectory);
        Assert.True(add.ExitCode == 0, add.ToString());
    }

    /// <summary>`netkit mail list --json`: every message the store holds (or those of one account).</summary>
    public static async Task<IReadOnlyList<ListedMail>> ListMailAsync(string dataDirectory, string? account = null)
    {
        // All of them, filtered here: the account is the test's question, not the CLI's.
        var list = await NetkitCli.RunAsync("mail", "list", "--json", "--data", dataDirectory);
        Assert.True(list.ExitCode == 0, list.ToString());
        using var document = JsonDocument.Parse(list.Stdout);
        var messages = document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement
            : Property(document.RootElement, "messages");
        return messages.EnumerateArray()
            .Select(m => new ListedMail(Property(m, "id").GetInt64(), Property(m, "account").GetString()!, m.Clone()))
            .Where(m => account is null || string.Equals(m.Account, account, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>`netkit mail show ID --raw`: the stored bytes, exactly.</summary>
    public static async Task<byte[]> ShowRawAsync(string dataDirectory, long id)
    {
        var (exitCode, stdout, stderr) = await RunForBytesAsync(["mail", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--raw", "--data", dataDirectory]);
        Assert.True(exitCode == 0, $"netkit mail show {id} --raw: exit code {exitCode}\n{stderr}");
        return stdout;
    }

    /// <summary>`netkit mail show ID`: the message decoded for a reader.</summary>
    public static async Task<string> ShowAsync(string dataDirectory, long id)
    {
        var show = await NetkitCli.RunAsync("mail", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", dataDirectory);
        Assert.True(show.ExitCode == 0, show.ToString());
        return show.Stdout;
    }

    /// <summary>The one message stored for <paramref name="account"/>, byte-exact; fails unless there is exactly one.</summary>
    public async Task<byte[]> SingleStoredAsync(string account)
    {
        var listed = await ListMailAsync(DataDirectory, account);
        Assert.True(listed.Count == 1, $"{listed.Count} messages stored for {account}, expected 1: {string.Join(", ", listed.Select(m => m.Json.ToString()))}");
        return await ShowRawAsync(DataDirectory, listed[0].Id);
    }

    public Task<IReadOnlyList<ListedMail>> ListMailAsync(string? account = null) => ListMailAsync(DataDirectory, account);

    public Task AddUserAsync(string name, string password) => AddUserAsync(DataDirectory, name, password);

    /// <summary>The server's self-signed certificate (made on first start in the data directory).</summary>
    public X509Certificate2 Certificate()
    {
        var path = TlsCertificates.SelfSignedPath(DataDirectory);
        Assert.True(File.Exists(path), $"no self-signed certificate at {path} after the server started");
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }

    /// <summary>The certificate as a PEM file, for a peer that verifies it (Python's ssl, swaks).</summary>
    public string CertificatePemFile()
    {
        var path = Path.Combine(DataDirectory, "test-ca.pem");
        using var certificate = Certificate();
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>SIGKILL: no clean stop, no flush; waits until the process is gone.</summary>
    public Task KillAsync() => Serve.KillAsync();

    /// <summary>Stops the server with SIGTERM; fails if it does not exit cleanly.</summary>
    public async Task StopAsync()
    {
        var code = await Serve.StopAsync();
        Assert.True(code == 0, $"netkit serve exited with {code} on SIGTERM.\n{Serve.Process.Output()}");
    }

    public async ValueTask DisposeAsync()
    {
        await Serve.DisposeAsync();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a dying child: the temporary directory is left behind.
            }
        }
    }

    private static async Task<SmtpServeProcess> StartAsync(string dataDirectory, bool ownsData, string[] options)
    {
        var serve = await ServeProcess.StartAsync(["smtp=127.0.0.1:0", "--data", dataDirectory, .. options]);
        return new SmtpServeProcess(serve, dataDirectory, ownsData);
    }

    private static JsonElement Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        Assert.Fail($"no \"{name}\" in {element}");
        return default;
    }

    /// <summary>`netkit ARGS...` with stdout kept as bytes (ProcessRunner decodes it as UTF-8, which would lose a Windows-1251 message).</summary>
    private static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunForBytesAsync(string[] arguments)
    {
        var info = ProcessRunner.StartInfo(NetkitCli.DotnetHost, [NetkitCli.DllPath, .. arguments], environment: null);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {ProcessRunner.Describe(info)}");
        process.StandardInput.Close();
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(ProcessRunner.DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{ProcessRunner.Describe(info)} did not finish in time and was killed");
        }

        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }
}
