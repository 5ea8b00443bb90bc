using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport;

namespace NetKit.Gopher.Server;

/// <summary>
/// A Gopher server (RFC 1436) for one directory: one request line per
/// connection, then the answer and the close. Directories are menus (from their
/// gophermap, or listed); text files go dot-stuffed with the closing lone dot;
/// other files go raw; <see cref="SearchSelector"/> searches the tree. A bad,
/// overlong, late or unknown selector gets an error item (type 3). Plug
/// <see cref="HandleAsync"/> into a <see cref="StreamServer"/>.
/// </summary>
public sealed class GopherServer
{
    /// <summary>The port <c>netkit serve gopher</c> listens on unless told (70 needs root).</summary>
    public const int DefaultPort = 7070;

    /// <summary>The selector of the search item; dot names are never files here, so it cannot hide one.</summary>
    public const string SearchSelector = "/.search";

    private readonly GopherServerOptions _options;
    private readonly GopherJail _jail;
    private readonly ILogger _logger;

    public GopherServer(GopherServerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _jail = new GopherJail(options.Root);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Makes <paramref name="root"/> a small Gopher hole if it does not exist yet: a welcome gophermap and a text file.</summary>
    public static void CreateWelcome(string root)
    {
        if (Directory.Exists(root))
        {
            return;
        }

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "gophermap"), """
            !Welcome to NetKit's Gopher server
            
            This hole is a directory; put files here and they appear below.
            A file named gophermap in a directory describes its menu.
            
            0About this server	/about.txt
            7Search this server	/.search
            -about.txt
            
            *
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(root, "about.txt"), """
            NetKit serves this directory over Gopher (RFC 1436).
            Text files are type 0, directories type 1, other files binary.
            
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>Serves one connection: reads the request, answers, returns (the host closes).</summary>
    public async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var reader = new LineReader(connection, _options.MaxSelectorLength);
        var (host, port) = Advertised(connection);
        LineResult request;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                request = await reader.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                GopherServerLog.TimedOut(_logger, connection.Remote);
                await SendErrorAsync(connection, "request timed out: send a selector and CRLF", stopping);
                return;
            }
        }

        if (request.Status == LineStatus.TooLong)
        {
            await SendErrorAsync(connection, $"selector too long (the limit is {_options.MaxSelectorLength} bytes)", stopping);
            return;
        }

        // A client that sends its selector and closes without a line ending still gets its answer.
        if (request.Status == LineStatus.EndOfStream && request.Bytes.IsEmpty)
        {
            return;
        }

        if (!request.TryGetText(out var line))
        {
            await SendErrorAsync(connection, "a selector must be UTF-8", stopping);
            return;
        }

        await AnswerAsync(connection, line, host, port, stopping);
    }

    private async Task AnswerAsync(NetConnection connection, string line, string host, int port, CancellationToken cancellationToken)
    {
        // selector TAB search [TAB gopher+ ...]: Gopher+ extras are not spoken and ignored.
        var fields = line.Split('\t');
        var selector = fields[0];
        if (selector.Any(char.IsControl) || (fields.Length > 1 && fields[1].Any(char.IsControl)))
        {
            await SendErrorAsync(connection, "a selector cannot hold control characters", cancellationToken);
            return;
        }

        if (selector == SearchSelector || selector == SearchSelector[1..])
        {
            await SearchAsync(connection, fields.Length > 1 ? fields[1] : null, host, port, cancellationToken);
            return;
        }

        if (selector.StartsWith("URL:", StringComparison.Ordinal))
        {
            await SendAsync(connection, Encoding.UTF8.GetBytes(RedirectPage(selector[4..])), cancellationToken);
            return;
        }

        var target = _jail.Resolve(selector);
        if (target is null)
        {
            GopherServerLog.NotFound(_logger, connection.Remote, selector);
            await SendErrorAsync(connection, $"'{selector}' does not exist", cancellationToken);
            return;
        }

        if (target.Kind == GopherTargetKind.Directory)
        {
            var menu = MenuOf(target, host, port);
            connection.Trace?.Note($"menu of {menu.Count} items");
            await SendAsync(connection, GopherMenu.Format(menu), cancellationToken);
            return;
        }

        await SendFileAsync(connection, target, cancellationToken);
    }

    private List<GopherItem> MenuOf(GopherTarget directory, string host, int port)
    {
        var map = Path.Combine(directory.FullPath, _options.MapFileName);
        IEnumerable<GopherItem> Listing(ISet<string> hidden) =>
            GopherListing.Read(_jail, directory.FullPath, directory.Selector, host, port, hidden, _options.MapFileName);

        if (FileKind.IsRegularFile(map) && FileKind.RealPath(map) is { } real && _jail.Inside(real))
        {
            return GopherMap.Read(File.ReadAllText(real, Encoding.UTF8), directory.Selector, host, port, Listing);
        }

        var items = Listing(new HashSet<string>()).ToList();
        if (directory.Selector == "/")
        {
            items.Add(new GopherItem(GopherItemType.Search, "Search this server", SearchSelector, host, port));
        }

        return items;
    }

    private async Task SendFileAsync(NetConnection connection, GopherTarget file, CancellationToken cancellationToken)
    {
        var type = GopherListing.TypeOf(file.FullPath);
        await using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long sent;
        if (type == GopherItemType.Text)
        {
            sent = await GopherText.CopyEncodedAsync(stream, connection.WriteAsync, cancellationToken);
        }
        else
        {
            await stream.CopyToAsync(connection.Stream, 64 * 1024, cancellationToken);
            connection.Touch();
            sent = stream.Length;
        }

        connection.Trace?.Note($"{GopherItemType.Describe(type)} {file.Selector}: {sent} bytes");
        GopherServerLog.Served(_logger, connection.Remote, file.Selector, sent);
    }

    private async Task SearchAsync(NetConnection connection, string? query, string host, int port, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            await SendErrorAsync(connection, "a search needs words: send the selector, a tab and the words", cancellationToken);
            return;
        }

        var results = await Task.Run(() => GopherSearch.Run(_jail, _options, query, host, port, cancellationToken), cancellationToken);
        if (results.Count == 0)
        {
            results.Add(GopherItem.Info($"Nothing matches \"{query}\"."));
        }

        connection.Trace?.Note($"search \"{query}\": {results.Count} items");
        await SendAsync(connection, GopherMenu.Format(results), cancellationToken);
    }

    private static async Task SendErrorAsync(NetConnection connection, string message, CancellationToken cancellationToken)
    {
        connection.Trace?.Sent($"3{message}");
        try
        {
            await SendAsync(connection, GopherMenu.Format([GopherItem.Error(message)]), cancellationToken);
        }
        catch (IOException)
        {
            // The client left first; there is no one to tell.
        }
    }

    private static ValueTask SendAsync(NetConnection connection, byte[] data, CancellationToken cancellationToken) =>
        connection.WriteAsync(data, cancellationToken);

    /// <summary>Where menus point: the configured name and port, else where this client reached us.</summary>
    private (string Host, int Port) Advertised(NetConnection connection)
    {
        var local = connection.LocalEndPoint as IPEndPoint;
        var host = _options.HostName ?? local?.Address switch
        {
            null => "localhost",
            { IsIPv4MappedToIPv6: true } a => a.MapToIPv4().ToString(),
            var a => a.ToString(),
        };
        return (host, _options.Port ?? local?.Port ?? DefaultPort);
    }

    /// <summary>The page for a <c>URL:</c> selector, as Gopher servers answer clients that do not follow URLs themselves.</summary>
    private static string RedirectPage(string url)
    {
        var escaped = WebUtility.HtmlEncode(url);
        return $"<html><head><meta http-equiv=\"refresh\" content=\"0;URL={escaped}\"></head><body><p>This item points to <a href=\"{escaped}\">{escaped}</a>.</p></body></html>\r\n";
    }
}
