using System.Net;
using System.Text;
using NetKit.Gopher;
using NetKit.Gopher.Server;
using NetKit.Transport;

namespace NetKit.Tests.Gopher;

/// <summary>
/// A temporary Gopher hole for one test: a root directory with known files and
/// our server on a free loopback port; deleted and stopped on dispose.
/// </summary>
public sealed class GopherHole : IAsyncDisposable
{
    /// <summary>A text with the lines that need care: leading dots, a lone dot, a bare LF, no final newline.</summary>
    public static readonly byte[] TrickyText = Encoding.UTF8.GetBytes("first line\n.starts with a dot\n.\n..two dots\r\nünïcode line\nlast, no newline");

    /// <summary>Every byte value, twice, and then some: a binary file must arrive as it is.</summary>
    public static readonly byte[] Binary = [.. Enumerable.Range(0, 512).Select(i => (byte)i), .. "\r\n.\r\n"u8.ToArray(), 0, 13, 10, 46];

    private readonly StreamServer _server;

    private GopherHole(string root, string outside, StreamServer server)
    {
        Root = root;
        Outside = outside;
        _server = server;
    }

    public string Root { get; }

    /// <summary>A directory beside the root, with a secret file in it, for escapes to aim at.</summary>
    public string Outside { get; }

    public int Port => ((IPEndPoint)_server.LocalEndPoint!).Port;

    public GopherUrl Url(char type, string selector, string? search = null) => new("127.0.0.1", Port, type, selector, search);

    public static async Task<GopherHole> StartAsync(Func<GopherServerOptions, GopherServerOptions>? configure = null, StreamServerOptions? transport = null)
    {
        var baseDirectory = Directory.CreateTempSubdirectory("nk-gopher-").FullName;
        var root = Path.Combine(baseDirectory, "root");
        var outside = Path.Combine(baseDirectory, "outside");
        Populate(root, outside);
        var options = new GopherServerOptions { Root = root };
        var server = new StreamServer("gopher", new IPEndPoint(IPAddress.Loopback, 0), new GopherServer(configure?.Invoke(options) ?? options).HandleAsync, transport);
        server.Start();
        await Task.CompletedTask;
        return new GopherHole(root, outside, server);
    }

    /// <summary>The files every test may count on.</summary>
    public static void Populate(string root, string outside)
    {
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "SECRET outside the root\n");
        File.WriteAllBytes(Path.Combine(root, "tricky.txt"), TrickyText);
        File.WriteAllBytes(Path.Combine(root, "data.bin"), Binary);
        File.WriteAllBytes(Path.Combine(root, "picture.gif"), "GIF89a\x01\x00"u8.ToArray());
        File.WriteAllText(Path.Combine(root, "page.html"), "<html><body>hi</body></html>\n");
        File.WriteAllText(Path.Combine(root, ".hidden"), "hidden\n");
        var docs = Directory.CreateDirectory(Path.Combine(root, "docs")).FullName;
        File.WriteAllText(Path.Combine(docs, "needle.txt"), "The haystack holds a Needle here.\n");
        File.WriteAllText(Path.Combine(docs, "readme"), "plain text without an extension\n");
        var mapped = Directory.CreateDirectory(Path.Combine(root, "mapped")).FullName;
        File.WriteAllText(Path.Combine(mapped, "gophermap"),
            "!A mapped menu\n# a comment nobody sees\nplain info line\n0Relative link\tnote.txt\n1Absolute link\t/docs\n" +
            "1Elsewhere\t/\tgopher.example.org\t70\nhWeb\tURL:https://example.org/\n-hidden.txt\n*\nafter the star: never shown\n");
        File.WriteAllText(Path.Combine(mapped, "note.txt"), "a note\n");
        File.WriteAllText(Path.Combine(mapped, "hidden.txt"), "not listed\n");
        File.WriteAllText(Path.Combine(mapped, "listed.txt"), "listed\n");
        File.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "secret-link.txt"), Path.Combine(outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "inside-link.txt"), Path.Combine(root, "tricky.txt"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
    }
}
