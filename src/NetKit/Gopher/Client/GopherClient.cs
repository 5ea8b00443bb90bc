using System.Buffers;
using System.Text;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Gopher.Client;

/// <summary>What a <see cref="GopherClient"/> allows itself.</summary>
public sealed record GopherClientOptions
{
    /// <summary>How long connecting may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = NetConnection.DefaultConnectTimeout;

    /// <summary>How long the server may stay silent once asked.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The biggest menu or text item read into memory; binary items stream and have no limit.</summary>
    public int MaxTextBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The wire trace: the request line, the menu and text lines, a note for binary bytes.</summary>
    public WireTrace? Trace { get; init; }
}

/// <summary>
/// A Gopher client (RFC 1436, URLs of RFC 4266): each request is one connection
/// that sends a selector and reads until the server closes. Menus come back
/// parsed, text items as text, binary items into a stream. An error item (type 3)
/// in answer is a <see cref="GopherErrorException"/>; a connection that breaks, a
/// <see cref="NetKitException"/>.
/// </summary>
public sealed class GopherClient(GopherClientOptions? options = null)
{
    private readonly GopherClientOptions _options = options ?? new GopherClientOptions();

    /// <summary>Fetches a menu (type 1) and parses its items.</summary>
    public async Task<IReadOnlyList<GopherItem>> GetMenuAsync(GopherUrl url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var wire = await FetchTextAsync(url, cancellationToken);
        // The server's "no" first: an error line the server closed after without its CR LF is still an error, not a cut menu.
        ThrowIfErrorItem(wire, url);
        if (!EndsWhole(wire))
        {
            // Loose servers end a menu at the close instead of a lone dot, but after a whole line; a last
            // line without its end that is not a whole item is a menu the connection cut.
            throw new NetKitException($"{url}: the menu was cut off mid-line (the server closed before the line's end or the lone dot)");
        }

        var items = GopherMenu.Parse(wire);
        // A menu that is only an error is the server's "no" (a missing selector).
        if (items.Count > 0 && items.All(i => i.IsInformational) && items[0].Type == GopherItemType.Error)
        {
            throw new GopherErrorException(items[0].Display, url);
        }

        return items;
    }

    /// <summary>Asks a search server (type 7) with <paramref name="query"/>; the answer is a menu.</summary>
    public Task<IReadOnlyList<GopherItem>> SearchAsync(GopherUrl url, string query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(query);
        return GetMenuAsync(url with { Type = GopherItemType.Search, Search = query }, cancellationToken);
    }

    /// <summary>Fetches a text item (type 0): its lines joined by LF, dots unstuffed, the lone dot gone.</summary>
    public async Task<string> GetTextAsync(GopherUrl url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var wire = await FetchTextAsync(url, cancellationToken);
        ThrowIfErrorItem(wire, url);
        return GopherText.Decode(wire);
    }

    /// <summary>
    /// Fetches a binary item (9, g, I, s ...) byte for byte into <paramref name="destination"/>;
    /// returns how many bytes came. An answer that is one error line and nothing else is
    /// taken as the server's error item.
    /// </summary>
    public async Task<long> DownloadAsync(GopherUrl url, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = await RequestAsync(url, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            var head = new List<byte>();
            int read;
            while ((read = await ReadAsync(connection, buffer, cancellationToken)) > 0)
            {
                // Hold the first bytes back until they cannot be an error item any more.
                if (total < ErrorProbeBytes)
                {
                    head.AddRange(buffer.AsSpan(0, read));
                    total += read;
                    if (head.Count < ErrorProbeBytes)
                    {
                        continue;
                    }

                    await destination.WriteAsync(head.ToArray(), cancellationToken);
                    continue;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
            }

            if (total < ErrorProbeBytes)
            {
                ThrowIfErrorItem(Encoding.UTF8.GetString(head.ToArray()), url);
                await destination.WriteAsync(head.ToArray(), cancellationToken);
            }

            connection.Trace?.Note($"{total} bytes received");
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private const int ErrorProbeBytes = 1024;

    /// <summary>True when the answer's last line is whole, or a lone dot ended it before.</summary>
    private static bool EndsWhole(string wire) =>
        wire.Length == 0 || wire.EndsWith('\n') || wire.Split('\n').Any(line => line.TrimEnd('\r') == ".") || IsWholeItem(wire[(wire.LastIndexOf('\n') + 1)..]);

    /// <summary>
    /// A last line without its end that still has all four fields and a real port (1-65535): servers that
    /// close right after the last item instead of ending its line. (A cut inside the port's digits cannot be told apart.)
    /// </summary>
    private static bool IsWholeItem(string line)
    {
        var fields = line.TrimEnd('\r').Split('\t');
        return fields.Length >= 4
            && int.TryParse(fields[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535;
    }

    /// <summary>A whole answer that is one error line (optionally a lone dot after it), as servers send for a bad selector.</summary>
    private static void ThrowIfErrorItem(string wire, GopherUrl url)
    {
        var lines = GopherText.Lines(wire).Where(l => l.Length > 0).ToList();
        if (lines.Count == 1 && lines[0][0] == GopherItemType.Error && lines[0].Count(c => c == '\t') >= 3)
        {
            throw new GopherErrorException(lines[0][1..lines[0].IndexOf('\t', StringComparison.Ordinal)], url);
        }
    }

    private async Task<string> FetchTextAsync(GopherUrl url, CancellationToken cancellationToken)
    {
        await using var connection = await RequestAsync(url, cancellationToken);
        var received = new ArrayBufferWriter<byte>(8192);
        int read;
        while ((read = await ReadAsync(connection, received.GetMemory(8192), cancellationToken)) > 0)
        {
            received.Advance(read);
            if (received.WrittenCount > _options.MaxTextBytes)
            {
                throw new NetKitException($"{url}: the answer is bigger than {_options.MaxTextBytes} bytes; fetch it as binary");
            }
        }

        var text = Encoding.UTF8.GetString(received.WrittenSpan);
        if (connection.Trace is { } trace)
        {
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                trace.Received(line.TrimEnd('\r'));
            }
        }

        return text;
    }

    /// <summary>Connects and sends the request line; the connection is then only read.</summary>
    private async Task<NetConnection> RequestAsync(GopherUrl url, CancellationToken cancellationToken)
    {
        var line = url.RequestLine;
        if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"a Gopher selector or search cannot hold CR or LF: {url}", nameof(url));
        }

        var connection = await NetConnection.ConnectAsync(NetEndpoint.Tcp(url.Host, url.Port), _options.ConnectTimeout, cancellationToken);
        try
        {
            connection.Trace = _options.Trace;
            connection.Trace?.Sent(line);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ReadTimeout);
            try
            {
                await connection.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A server that reads nothing: the selector could not go out in time.
                throw new NetKitException($"{connection.Remote} took no request for {_options.ReadTimeout.TotalSeconds:0.#} s");
            }
            catch (IOException ex)
            {
                throw new NetKitException($"connection to {connection.Remote} broke: {ex.Message}", ex);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>One read with the read timeout; a broken connection or silence is a <see cref="NetKitException"/>.</summary>
    private async ValueTask<int> ReadAsync(NetConnection connection, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadTimeout);
        try
        {
            return await connection.ReadAsync(buffer, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetKitException($"{connection.Remote} sent nothing for {_options.ReadTimeout.TotalSeconds:0.#} s");
        }
        catch (IOException ex)
        {
            throw new NetKitException($"connection to {connection.Remote} broke: {ex.Message}", ex);
        }
    }
}
