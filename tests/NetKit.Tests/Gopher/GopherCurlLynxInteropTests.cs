using System.Text;
using NetKit.Gopher;
using NetKit.Tests.Support;

namespace NetKit.Tests.Gopher;

/// <summary>Our server with real Gopher clients nobody here wrote: curl and lynx.</summary>
public sealed class GopherCurlLynxInteropTests : IAsyncLifetime
{
    private GopherHole _hole = null!;
    private readonly string _scratch = Directory.CreateTempSubdirectory("nk-gopher-curl-").FullName;

    private static string Curl => PeerPrograms.Require("curl", "curl");

    private static string Lynx => PeerPrograms.Require("lynx", "lynx");

    public async Task InitializeAsync() => _hole = await GopherHole.StartAsync();

    public async Task DisposeAsync()
    {
        await _hole.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private string Base => $"gopher://127.0.0.1:{_hole.Port}";

    /// <summary>curl's output as bytes (saved with -o: standard output would be decoded as text).</summary>
    private async Task<byte[]> CurlAsync(string url)
    {
        var file = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        var result = await ProcessRunner.RunAsync(Curl, ["-sS", "--max-time", "20", "-o", file, url]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return await File.ReadAllBytesAsync(file);
    }

    [Fact]
    public async Task Curl_menu_ourItemLines()
    {
        var menu = Encoding.UTF8.GetString(await CurlAsync(Base + "/1/docs"));
        Assert.Equal(
            $"0needle.txt\t/docs/needle.txt\t127.0.0.1\t{_hole.Port}\r\n0readme\t/docs/readme\t127.0.0.1\t{_hole.Port}\r\n.\r\n",
            menu);
    }

    [Fact]
    public async Task Curl_text_wireFormByteExact()
    {
        ByteAssert.Equal(GopherText.Encode(GopherHole.TrickyText), await CurlAsync(Base + "/0/tricky.txt"));
    }

    [Fact]
    public async Task Curl_binary_byteExact()
    {
        ByteAssert.Equal(GopherHole.Binary, await CurlAsync(Base + "/9/data.bin"));
    }

    [Fact]
    public async Task Curl_search_matches()
    {
        var results = Encoding.UTF8.GetString(await CurlAsync(Base + "/7/.search%09haystack"));
        Assert.Equal($"0/docs/needle.txt\t/docs/needle.txt\t127.0.0.1\t{_hole.Port}\r\n.\r\n", results);
    }

    [Fact]
    public async Task Curl_escape_errorItemOnly()
    {
        var answer = Encoding.UTF8.GetString(await CurlAsync(Base + "/0/../outside/secret.txt"));
        Assert.StartsWith("3", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LynxDump_menu_showsItemsAndLinks()
    {
        var result = await ProcessRunner.RunAsync(Lynx, ["-dump", "-nolist", Base + "/1/mapped"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("A mapped menu", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Relative link", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("listed.txt", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden.txt", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LynxDump_text_showsTheLines()
    {
        var result = await ProcessRunner.RunAsync(Lynx, ["-dump", "-nolist", Base + "/0/tricky.txt"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("first line", result.Stdout, StringComparison.Ordinal);
        // Lynx shows a text item's bytes as they come: it does not undo RFC 1436's dot-stuffing.
        Assert.Contains(".starts with a dot", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("last, no newline", result.Stdout, StringComparison.Ordinal);
    }
}
