using NetKit.Gopher;
using NetKit.Gopher.Client;
using NetKit.Tests.Support;

namespace NetKit.Tests.Gopher;

/// <summary>Our client against Gophernicus, a real Gopher server nobody here wrote.</summary>
public sealed class GopherGophernicusInteropTests : IAsyncLifetime
{
    private static readonly byte[] Binary = [.. Enumerable.Range(0, 256).Select(i => (byte)i), .. Enumerable.Range(0, 256).Select(i => (byte)(255 - i))];
    private readonly GopherClient _client = new();
    private Gophernicus _server = null!;

    public async Task InitializeAsync() => _server = await Gophernicus.StartAsync(root =>
    {
        File.WriteAllText(Path.Combine(root, "hello.txt"), "Hello from Gophernicus\nsecond line\n");
        File.WriteAllBytes(Path.Combine(root, "blob.bin"), Binary);
        var sub = Directory.CreateDirectory(Path.Combine(root, "sub")).FullName;
        File.WriteAllText(Path.Combine(sub, "gophermap"), "Info from a gophermap\n0Hello again\t/hello.txt\n1Elsewhere\t/\tgopher.example.org\t70\n");
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private GopherUrl Url(char type, string selector) => new("127.0.0.1", _server.Port, type, selector);

    [Fact]
    public async Task GetMenu_root_listsItsFilesAndDirectory()
    {
        var menu = await _client.GetMenuAsync(Url('1', "/"));
        var links = menu.Where(i => !i.IsInformational).ToList();
        Assert.Contains(links, i => i.Type == '0' && i.Selector == "/hello.txt" && i.Port == _server.Port);
        Assert.Contains(links, i => i.Type == '9' && i.Selector == "/blob.bin");
        Assert.Contains(links, i => i.Type == '1' && i.Selector.TrimEnd('/') == "/sub");
    }

    [Fact]
    public async Task GetMenu_gophermap_infoLocalAndRemoteLinks()
    {
        var menu = await _client.GetMenuAsync(Url('1', "/sub/"));
        Assert.Contains(menu, i => i.Type == 'i' && i.Display == "Info from a gophermap");
        Assert.Contains(menu, i => i.Type == '0' && i.Display == "Hello again" && i.Selector == "/hello.txt" && i.Port == _server.Port);
        Assert.Contains(menu, i => i.Type == '1' && i.Host == "gopher.example.org" && i.Port == 70);
    }

    [Fact]
    public async Task FollowMenuItem_text_exactLines()
    {
        var menu = await _client.GetMenuAsync(Url('1', "/"));
        var hello = menu.Single(i => i.Selector == "/hello.txt");
        Assert.Equal("Hello from Gophernicus\nsecond line\n", await _client.GetTextAsync(hello.ToUrl()));
    }

    [Fact]
    public async Task Download_binary_byteExact()
    {
        var into = new MemoryStream();
        await _client.DownloadAsync(Url('9', "/blob.bin"), into);
        ByteAssert.Equal(Binary, into.ToArray());
    }

    [Fact]
    public async Task NetkitGopherCli_menuAndSavedBinary()
    {
        var table = await NetkitCli.RunAsync("gopher", $"gopher://127.0.0.1:{_server.Port}/1/");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"gopher://127.0.0.1:{_server.Port}/0/hello.txt", table.Stdout, StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"nk-gn-{Guid.NewGuid():N}.bin");
        try
        {
            var saved = await NetkitCli.RunAsync("gopher", $"gopher://127.0.0.1:{_server.Port}/9/blob.bin", "-o", file);
            Assert.True(saved.ExitCode == 0, saved.ToString());
            ByteAssert.Equal(Binary, await File.ReadAllBytesAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
