using System.Buffers;
using System.Text;
using System.Text.Json;
using NetKit.Http;

namespace NetKit.Cli.Commands;

/// <summary>
/// The response on stdout: the head with -i (or for HEAD), then the body.
/// On a terminal a JSON body is pretty-printed (coloured unless NO_COLOR);
/// in a pipe every body goes out byte for byte.
/// </summary>
internal static class HttpOutput
{
    /// <summary>Bodies larger than this are never reformatted, only copied.</summary>
    private const long MaxPrettyBytes = 16 << 20;

    public static void WriteHead(TextWriter writer, HttpResponseMessage response)
    {
        foreach (var line in HttpHeadTrace.StatusAndHeaders(response))
        {
            writer.Write(line + "\r\n");
        }

        writer.Write("\r\n");
        writer.Flush();
    }

    public static async Task WriteAsync(HttpResponseMessage response, bool includeHead, IdleTimeout idle)
    {
        if (includeHead)
        {
            WriteHead(Console.Out, response);
        }

        await using var stdout = Console.OpenStandardOutput();
        if (!Console.IsOutputRedirected && IsJson(response) && response.Content.Headers.ContentLength is null or <= MaxPrettyBytes)
        {
            var bytes = await ReadAllAsync(response, idle);
            var text = PrettyJson(bytes, color: Environment.GetEnvironmentVariable("NO_COLOR") is null or "");
            await stdout.WriteAsync(text is null ? bytes : Encoding.UTF8.GetBytes(text + "\n"), idle.Token);
            return;
        }

        await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        long copied = 0;
        try
        {
            while (true)
            {
                idle.Restart();
                var read = await ReadAsync(body, buffer, copied, idle);
                if (read == 0)
                {
                    break;
                }

                await stdout.WriteAsync(buffer.AsMemory(0, read), idle.Token);
                copied += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static bool IsJson(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The JSON indented (and coloured), or null when it is not valid JSON (then it is shown as it came).</summary>
    public static string? PrettyJson(ReadOnlySpan<byte> utf8, bool color)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var sb = new StringBuilder();
            HttpJsonColorizer.Write(sb, document.RootElement, 0, color);
            return sb.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One read of the body; a connection that breaks is reported with how far the body came.</summary>
    private static async Task<int> ReadAsync(Stream body, byte[] buffer, long sofar, IdleTimeout idle)
    {
        try
        {
            return await body.ReadAsync(buffer, idle.Token);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            var reason = ex is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } ? "the connection closed early" : ex.InnerException?.Message ?? ex.Message;
            throw new HttpIOException(HttpRequestError.ResponseEnded, $"after {sofar:N0} body bytes: {reason.TrimEnd('.')}", ex);
        }
    }

    private static async Task<byte[]> ReadAllAsync(HttpResponseMessage response, IdleTimeout idle)
    {
        await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
        using var all = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await ReadAsync(body, buffer, all.Length, idle)) > 0)
        {
            idle.Restart();
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }
}
