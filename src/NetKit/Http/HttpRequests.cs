using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetKit.Http;

/// <summary>
/// Builds the parts of a request from what a person types: "Name: value"
/// headers, key=value forms, key=value JSON objects, basic and bearer
/// credentials. Bad input is a <see cref="FormatException"/> with one clear line.
/// </summary>
public static class HttpRequests
{
    /// <summary>Splits "Name: value" (curl's -H); the value may be empty.</summary>
    public static (string Name, string Value) ParseHeader(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? text[..colon].Trim() : string.Empty;
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
        {
            throw new FormatException($"bad header \"{text}\": expected \"Name: value\"");
        }

        var value = text[(colon + 1)..].Trim();
        if (value.Any(c => c is '\r' or '\n' or '\0'))
        {
            throw new FormatException($"bad header \"{name}\": the value holds a line break");
        }

        return (name, value);
    }

    /// <summary>Adds a header where it belongs: on the request, or on its content (Content-Type and the like).</summary>
    public static void AddHeader(HttpRequestMessage request, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsContentHeader(name))
        {
            if (request.Content is null)
            {
                throw new FormatException($"header \"{name}\" describes a body, and the request has none");
            }

            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
            return;
        }

        request.Headers.Remove(name);
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            throw new FormatException($"header \"{name}\" cannot be set on a request");
        }
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    /// <summary>Basic credentials from "USER:PASSWORD" (the password may hold colons).</summary>
    public static AuthenticationHeaderValue Basic(string userColonPassword)
    {
        ArgumentNullException.ThrowIfNull(userColonPassword);
        if (!userColonPassword.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException("--user needs USER:PASSWORD");
        }

        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userColonPassword)));
    }

    public static AuthenticationHeaderValue Bearer(string token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Any(char.IsWhiteSpace))
        {
            throw new FormatException("a bearer token is one word");
        }

        return new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>An application/x-www-form-urlencoded body from "key=value" pairs.</summary>
    public static FormUrlEncodedContent Form(IEnumerable<string> pairs) =>
        new(pairs.Select(pair => SplitPair(pair, "--form")).Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    /// <summary>
    /// A JSON object from HTTPie-style fields: "key=value" is a string,
    /// "key:=value" is raw JSON (a number, true, a list...).
    /// </summary>
    public static JsonObject JsonObjectOf(IEnumerable<string> fields)
    {
        var result = new JsonObject();
        foreach (var field in fields)
        {
            var raw = field.IndexOf(":=", StringComparison.Ordinal);
            var plain = field.IndexOf('=', StringComparison.Ordinal);
            if (raw > 0 && raw < plain)
            {
                var value = field[(raw + 2)..];
                try
                {
                    result[field[..raw]] = JsonNode.Parse(value);
                }
                catch (JsonException ex)
                {
                    throw new FormatException($"--json {field}: \"{value}\" is not JSON ({ex.Message})", ex);
                }
            }
            else
            {
                var (key, value) = SplitPair(field, "--json");
                result[key] = value;
            }
        }

        return result;
    }

    /// <summary>The body as JSON: a single argument that is itself JSON goes as it is; key=value fields become an object.</summary>
    public static StringContent Json(IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string text;
        if (fields.Count == 1 && fields[0].TrimStart() is ['{' or '[', ..])
        {
            try
            {
                using var _ = JsonDocument.Parse(fields[0]);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"--json: not valid JSON ({ex.Message})", ex);
            }

            text = fields[0];
        }
        else
        {
            text = JsonObjectOf(fields).ToJsonString();
        }

        return new StringContent(text, Encoding.UTF8, "application/json");
    }

    /// <summary>Parses an absolute http or https URL; anything else is a <see cref="FormatException"/>.</summary>
    public static Uri ParseUrl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // curl's habit: a bare host means http.
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host))
        {
            throw new FormatException($"malformed URL \"{text}\"");
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw new FormatException($"unsupported URL scheme \"{url.Scheme}\" in \"{text}\": only http and https");
        }

        return url;
    }

    private static (string Key, string Value) SplitPair(string pair, string option)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new FormatException($"{option} \"{pair}\": expected key=value");
        }

        return (pair[..equals], pair[(equals + 1)..]);
    }
}
