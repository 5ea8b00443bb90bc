using System.CommandLine;
using System.Globalization;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit http [get|head|post|put|patch|delete] URL`: curl's everyday options
/// on the platform's HttpClient. The options are read here; the request is
/// built by <see cref="HttpRequestBuilder"/>, sent by <see cref="HttpExchange"/>.
/// </summary>
internal static class HttpCommand
{
    public static readonly string[] Methods = ["get", "head", "post", "put", "patch", "delete"];

    public static Command Create()
    {
        var words = new Argument<string[]>("request") { Description = "[METHOD] URL: the method (get, head, post, put, patch, delete; default get, or post with a body) and the URL.", Arity = new ArgumentArity(1, 2) };
        var header = new Option<string[]>("--header", "-H") { Description = "Add a header \"Name: value\" (repeatable)." };
        var data = new Option<string?>("--data", "-d") { Description = "The body: TEXT, @FILE for a file's bytes, or - for standard input." };
        var form = new Option<string[]>("--form", "-F") { Description = "A form field key=value (repeatable); sent urlencoded." };
        var json = new Option<string[]>("--json", "-j") { Description = "A JSON field key=value (a string) or key:=value (raw JSON), repeatable; or one raw JSON document." };
        var user = new Option<string?>("--user", "-u") { Description = "Basic authentication USER:PASSWORD." };
        var bearer = new Option<string?>("--bearer") { Description = "Bearer token authentication." };
        var maxRedirects = new Option<int>("--max-redirects") { Description = "Follow at most this many redirects; 0 does not follow them.", DefaultValueFactory = _ => 10 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection and for each sign of life from the server.", DefaultValueFactory = _ => 30 };
        var http11 = new Option<bool>("--http1.1") { Description = "Speak HTTP/1.1 only." };
        var http2 = new Option<bool>("--http2") { Description = "Speak HTTP/2 only (over http://, with prior knowledge)." };
        var http3 = new Option<bool>("--http3") { Description = "Speak HTTP/3 only (https://; needs QUIC, i.e. libmsquic, on this machine)." };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (self-signed test servers)." };
        var proxy = new Option<string?>("--proxy", "-x") { Description = "Send the request through this HTTP proxy URL." };
        var output = new Option<string?>("--output", "-o") { Description = "Save the body to FILE (FILE.part until it is whole), with a progress bar on a terminal." };
        var resume = new Option<bool>("--continue", "-C") { Description = "With -o: finish a partial FILE.part left by a broken download (Range/If-Range)." };
        var include = new Option<bool>("--include", "-i") { Description = "Print the status line and the headers before the body." };
        var trace = new Option<bool>("--trace") { Description = "Print the request and response heads on stderr (credentials hidden)." };
        var command = new Command("http", "An HTTP client: send a request, print or save the response.");
        command.Arguments.Add(words);
        foreach (var option in new Option[] { header, data, form, json, user, bearer, maxRedirects, timeout, http11, http2, http3, insecure, proxy, output, resume, include, trace })
        {
            command.Options.Add(option);
        }

        CliAction.Set(command, async (parse, ct) =>
        {
            try
            {
                var request = new HttpInvocation
                {
                    Words = parse.GetValue(words) ?? [],
                    Headers = parse.GetValue(header) ?? [],
                    Data = parse.GetValue(data),
                    Form = parse.GetValue(form) ?? [],
                    Json = parse.GetValue(json) ?? [],
                    User = parse.GetValue(user),
                    Bearer = parse.GetValue(bearer),
                    MaxRedirects = parse.GetValue(maxRedirects),
                    TimeoutSeconds = parse.GetValue(timeout),
                    Http11 = parse.GetValue(http11),
                    Http2 = parse.GetValue(http2),
                    Http3 = parse.GetValue(http3),
                    Insecure = parse.GetValue(insecure),
                    Proxy = parse.GetValue(proxy),
                    Output = parse.GetValue(output),
                    Resume = parse.GetValue(resume),
                    Include = parse.GetValue(include),
                    Trace = parse.GetValue(trace),
                };
                return await HttpExchange.RunAsync(request, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var (message, code) = HttpExitCodes.Describe(ex);
                await Console.Error.WriteLineAsync($"netkit: {message}");
                return code;
            }
        });
        return command;
    }

    /// <summary>The method and URL from the one or two words; the method defaults to GET, or POST when there is a body.</summary>
    public static (HttpMethod Method, string Url) MethodAndUrl(IReadOnlyList<string> words, bool hasBody)
    {
        if (words.Count == 1)
        {
            return (hasBody ? HttpMethod.Post : HttpMethod.Get, words[0]);
        }

        var name = words[0].ToLowerInvariant();
        if (!Methods.Contains(name))
        {
            throw new UsageException($"unknown method \"{words[0]}\": one of {string.Join(", ", Methods)}");
        }

        return (HttpMethod.Parse(name.ToUpper(CultureInfo.InvariantCulture)), words[1]);
    }
}

/// <summary>Everything the user typed for one `netkit http` run.</summary>
internal sealed record HttpInvocation
{
    public required IReadOnlyList<string> Words { get; init; }
    public IReadOnlyList<string> Headers { get; init; } = [];
    public string? Data { get; init; }
    public IReadOnlyList<string> Form { get; init; } = [];
    public IReadOnlyList<string> Json { get; init; } = [];
    public string? User { get; init; }
    public string? Bearer { get; init; }
    public int MaxRedirects { get; init; } = 10;
    public double TimeoutSeconds { get; init; } = 30;
    public bool Http11 { get; init; }
    public bool Http2 { get; init; }
    public bool Http3 { get; init; }
    public bool Insecure { get; init; }
    public string? Proxy { get; init; }
    public string? Output { get; init; }
    public bool Resume { get; init; }
    public bool Include { get; init; }
    public bool Trace { get; init; }

    public bool HasBody => Data is not null || Form.Count > 0 || Json.Count > 0;
}
