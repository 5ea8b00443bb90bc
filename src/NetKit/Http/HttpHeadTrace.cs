using System.Globalization;
using NetKit.Transport;

namespace NetKit.Http;

/// <summary>
/// Writes the heads of a request and its response to a <see cref="WireTrace"/>
/// (C:/S: lines, as the other protocols do); credentials never reach it.
/// Bodies are not traced: they may be binary or huge.
/// </summary>
public static class HttpHeadTrace
{
    private static readonly string[] SecretHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"];

    /// <summary>Hides the values of Authorization and its kin (keeping the scheme, e.g. "Basic ********").</summary>
    public static string Redact(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var name in SecretHeaders)
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return name.Contains("Authorization", StringComparison.Ordinal) ? WireTrace.MaskAfterWords(line, 2) : WireTrace.MaskAfterWords(line, 1);
            }
        }

        return line;
    }

    public static void Request(WireTrace trace, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(request);
        var url = request.RequestUri!;
        trace.Sent($"{request.Method} {url.PathAndQuery} HTTP/{Version(request.Version)}");
        if (request.Headers.Host is null)
        {
            trace.Sent($"Host: {url.Authority}");
        }

        foreach (var line in Lines(request.Headers.NonValidated).Concat(request.Content is null ? [] : Lines(request.Content.Headers.NonValidated)))
        {
            trace.Sent(Redact(line));
        }

        trace.Sent(string.Empty);
    }

    public static void Response(WireTrace trace, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(response);
        foreach (var line in StatusAndHeaders(response))
        {
            trace.Received(Redact(line));
        }

        trace.Received(string.Empty);
    }

    /// <summary>The status line and the headers as the server sent them (curl -i), without the blank line; a decoded body's original content headers.</summary>
    public static IEnumerable<string> StatusAndHeaders(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        yield return $"HTTP/{Version(response.Version)} {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var content = response.RequestMessage?.Options.TryGetValue(HttpDecodingHandler.SentContentHeaders, out var sent) == true
            ? sent
            : Lines(response.Content.Headers.NonValidated);
        foreach (var line in Lines(response.Headers.NonValidated).Concat(content))
        {
            yield return line;
        }
    }

    private static string Version(Version version) =>
        version.Major >= 2 ? version.Major.ToString(CultureInfo.InvariantCulture) : version.ToString(2);

    internal static IEnumerable<string> Lines(System.Net.Http.Headers.HttpHeadersNonValidated headers) =>
        headers.SelectMany(header => header.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)
            ? header.Value.Select(value => $"{header.Key}: {value}")
            : [$"{header.Key}: {string.Join(", ", header.Value)}"]);
}
