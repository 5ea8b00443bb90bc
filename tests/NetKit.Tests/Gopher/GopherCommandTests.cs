using System.Text.Json.Nodes;
using NetKit.Tests.Support;

namespace NetKit.Tests.Gopher;

/// <summary>`netkit gopher` (the real CLI) against our server, and `netkit serve gopher`.</summary>
public sealed class GopherCommandTests : IAsyncLifetime
{
    private GopherHole _hole = null!;

    public async Task InitializeAsync() => _hole = await GopherHole.StartAsync();

    public async Task DisposeAsync() => await _hole.DisposeAsync();

    private string Base => $"gopher://127.0.0.1:{_hole.Port}";

    [Fact]
    public async Task Menu_numberedTableWithTypesAndWhere()
    {
        var result = await NetkitCli.RunAsync("gopher", Base + "/1/mapped");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains("A mapped menu", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal) && l.Contains("text", StringComparison.Ordinal)
            && l.Contains("Relative link", StringComparison.Ordinal) && l.Contains($"{Base}/0/mapped/note.txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Web", StringComparison.Ordinal) && l.Contains("https://example.org/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Text_printedUnstuffed()
    {
        var result = await NetkitCli.RunAsync("gopher", Base + "/0/tricky.txt");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("first line\n.starts with a dot\n.\n..two dots\nünïcode line\nlast, no newline\n", result.Stdout);
    }

    [Fact]
    public async Task Binary_savedWithOutput_byteExact()
    {
        var file = Path.Combine(Path.GetTempPath(), $"nk-gopher-{Guid.NewGuid():N}.bin");
        try
        {
            var result = await NetkitCli.RunAsync("gopher", Base + "/9/data.bin", "-o", file);
            Assert.True(result.ExitCode == 0, result.ToString());
            ByteAssert.Equal(GopherHole.Binary, await File.ReadAllBytesAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Binary_withoutOutput_usageError()
    {
        var result = await NetkitCli.RunAsync("gopher", Base + "/9/data.bin");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("-o FILE", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_json_itemsWithUrls()
    {
        var result = await NetkitCli.RunAsync("gopher", Base + "/7/.search", "--query", "needle", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var items = JsonNode.Parse(result.Stdout)!["items"]!.AsArray();
        var item = Assert.Single(items);
        Assert.Equal("/docs/needle.txt", (string?)item!["selector"]);
        Assert.Equal($"{Base}/0/docs/needle.txt", (string?)item["url"]);
    }

    [Fact]
    public async Task Missing_oneLineAndExitCode1()
    {
        var result = await NetkitCli.RunAsync("gopher", Base + "/1/nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"netkit: {Base}/1/nope: the server says: '/nope' does not exist", Assert.Single(result.StderrLines));
    }

    [Theory]
    [InlineData("http://example.org/")]
    [InlineData("gopher://h:99999/")]
    public async Task BadUrl_usageError(string url)
    {
        var result = await NetkitCli.RunAsync("gopher", url);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [Fact]
    public async Task Interactive_followNumberGoBackQuit()
    {
        // Root: 1 docs, 2 mapped, ...; in docs: 1 needle.txt; back; quit.
        var result = await NetkitCli.RunAsync(["gopher", "-i", Base + "/"], stdin: "1\n1\nb\nb\n2\nq\n", timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("The haystack holds a Needle here.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"== {Base}/1/docs", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("A mapped menu", result.Stdout, StringComparison.Ordinal);
        // The root twice: at the start and after going back from docs.
        Assert.Equal(2, result.Stdout.Split($"== {Base}/1\n").Length - 1);
    }

    [Fact]
    public async Task Serve_defaultRoot_welcomeHole()
    {
        var data = Directory.CreateTempSubdirectory("nk-gopher-data-").FullName;
        try
        {
            await using var serve = await ServeProcess.StartAsync("gopher=0", "--data", data);
            var port = serve.Port("gopher");
            var menu = await GopherWire.RequestTextAsync(port, "/\r\n");
            Assert.StartsWith("iWelcome to NetKit's Gopher server", menu, StringComparison.Ordinal);
            Assert.Contains($"7Search this server\t/.search\t127.0.0.1\t{port}\r\n", menu, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(data, "gopher", "gophermap")));
            Assert.Equal(0, await serve.StopAsync());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_gopherRoot_servesThatDirectory()
    {
        var data = Directory.CreateTempSubdirectory("nk-gopher-data-").FullName;
        try
        {
            await using var serve = await ServeProcess.StartAsync("gopher=0", "--data", data, "--gopher-root", _hole.Root);
            var text = await NetkitCli.RunAsync("gopher", $"gopher://127.0.0.1:{serve.Port("gopher")}/0/docs/needle.txt");
            Assert.Equal("The haystack holds a Needle here.\n", text.Stdout);
            Assert.False(Directory.Exists(Path.Combine(data, "gopher")));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_missingGopherRoot_usageError()
    {
        var result = await NetkitCli.RunAsync("serve", "gopher=0", "--gopher-root", "/nonexistent/gopher/root");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--gopher-root", result.Stderr, StringComparison.Ordinal);
    }
}
