using NetKit.Gopher.Server;

namespace NetKit.Tests.Gopher;

public sealed class GopherJailTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("nk-jail-").FullName;
    private readonly GopherJail _jail;

    public GopherJailTests()
    {
        GopherHole.Populate(Path.Combine(_base, "root"), Path.Combine(_base, "outside"));
        _jail = new GopherJail(Path.Combine(_base, "root"));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Theory]
    [InlineData("..")]
    [InlineData("/..")]
    [InlineData("../outside/secret.txt")]
    [InlineData("/../outside/secret.txt")]
    [InlineData("/docs/../../outside/secret.txt")]
    [InlineData("docs/../tricky.txt")]
    [InlineData("/./tricky.txt")]
    [InlineData("\\..\\outside\\secret.txt")]
    [InlineData("..\\outside\\secret.txt")]
    [InlineData("/%2e%2e/outside/secret.txt")]
    [InlineData("/%2E%2E%2Foutside%2Fsecret.txt")]
    [InlineData("/escape/secret.txt")]
    [InlineData("/escape")]
    [InlineData("/secret-link.txt")]
    [InlineData("/.hidden")]
    [InlineData("/tricky.txt\0.gif")]
    [InlineData("/docs\u0001")]
    [InlineData("/nothing-here")]
    [InlineData("/etc/passwd")]
    public void Resolve_escapeOrMissing_null(string selector)
    {
        Assert.Null(_jail.Resolve(selector));
    }

    [Fact]
    public void Resolve_absolutePathOfRealFileOutside_readFromRoot()
    {
        var outsideSecret = Path.Combine(_base, "outside", "secret.txt");
        Assert.Null(_jail.Resolve(outsideSecret));
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("docs", "/docs")]
    [InlineData("//docs//", "/docs")]
    [InlineData("/docs/needle.txt", "/docs/needle.txt")]
    [InlineData("/inside-link.txt", "/inside-link.txt")]
    public void Resolve_inside_found(string selector, string canonical)
    {
        var target = _jail.Resolve(selector);
        Assert.NotNull(target);
        Assert.Equal(canonical, target.Selector);
    }

    [Fact]
    public void Resolve_fifo_notServed()
    {
        var fifo = Path.Combine(_base, "root", "pipe");
        var made = System.Diagnostics.Process.Start("mkfifo", [fifo]);
        made.WaitForExit();
        Assert.Equal(0, made.ExitCode);
        Assert.Null(_jail.Resolve("/pipe"));
        Assert.False(_jail.MayList(new FileInfo(fifo)));
    }

    [Fact]
    public void MayList_linksAndHidden_onlyThoseInside()
    {
        var root = new DirectoryInfo(Path.Combine(_base, "root"));
        var listed = root.EnumerateFileSystemInfos().Where(_jail.MayList).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["data.bin", "docs", "inside-link.txt", "mapped", "page.html", "picture.gif", "tricky.txt"], listed);
    }
}
