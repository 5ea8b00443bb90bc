using System.Text;

namespace NetKit.Transport;

/// <summary>Which end of the conversation a trace is written from.</summary>
public enum TraceRole
{
    /// <summary>We are the client: what we send is <c>C:</c>, what we receive is <c>S:</c>.</summary>
    Client,

    /// <summary>We are the server: what we receive is <c>C:</c>, what we send is <c>S:</c>.</summary>
    Server,
}

/// <summary>
/// A <c>C:</c>/<c>S:</c> transcript of a text protocol, as Python's
/// <c>set_debuglevel</c> prints it. Protocol code marks secret lines (or sets
/// <see cref="Redact"/>) so that passwords and AUTH data never reach the trace.
/// Safe to share between connections: each line is written whole.
/// </summary>
public sealed class WireTrace
{
    private const string Hidden = "********";
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public WireTrace(TextWriter writer, TraceRole role, string? prefix = null)
    {
        _writer = writer;
        Role = role;
        Prefix = prefix;
    }

    public TraceRole Role { get; }

    /// <summary>Put before every line, e.g. a connection number on a busy server.</summary>
    public string? Prefix { get; }

    /// <summary>
    /// A protocol's rule for lines that carry secrets (e.g. <c>PASS x</c> becomes
    /// <c>PASS ********</c>). Applied to every line in both directions.
    /// </summary>
    public Func<string, string>? Redact { get; set; }

    /// <summary>The same trace for one connection of a server, tagged with its prefix.</summary>
    public WireTrace ForConnection(string prefix) => new(_writer, Role, prefix) { Redact = Redact };

    public void Sent(string line, bool secret = false) => Write(Role == TraceRole.Client ? "C" : "S", line, secret);

    public void Received(string line, bool secret = false) => Write(Role == TraceRole.Client ? "S" : "C", line, secret);

    public void Sent(ReadOnlySpan<byte> line, bool secret = false) => Sent(Show(line), secret);

    public void Received(ReadOnlySpan<byte> line, bool secret = false) => Received(Show(line), secret);

    /// <summary>A note that is not on the wire (a TLS handshake, a closed connection).</summary>
    public void Note(string text) => WriteRaw($"{Prefix}* {text}");

    /// <summary>Masks everything after the first <paramref name="words"/> words: <c>AUTH PLAIN xyz</c> → <c>AUTH PLAIN ********</c>.</summary>
    public static string MaskAfterWords(string line, int words)
    {
        var index = 0;
        for (var i = 0; i < words; i++)
        {
            var space = line.IndexOf(' ', index);
            if (space < 0)
            {
                return line;
            }

            index = space + 1;
        }

        return index >= line.Length ? line : line[..index] + Hidden;
    }

    private void Write(string who, string line, bool secret)
    {
        var shown = secret ? Hidden : Escape(Redact?.Invoke(line) ?? line);
        WriteRaw($"{Prefix}{who}: {shown}");
    }

    private void WriteRaw(string text)
    {
        lock (_gate)
        {
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }

    /// <summary>Decodes a line for display; bytes that are not UTF-8 show as U+FFFD.</summary>
    private static string Show(ReadOnlySpan<byte> line) => Encoding.UTF8.GetString(line);

    /// <summary>
    /// Control characters as escapes, so a peer cannot drive the operator's
    /// terminal (colours, cursor moves) through the trace.
    /// </summary>
    private static string Escape(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\x1f') && !text.Contains('\x7f', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c < 0x20 || c == 0x7f)
            {
                sb.Append(c switch { '\r' => "\\r", '\n' => "\\n", '\t' => "\\t", _ => $"\\x{(int)c:x2}" });
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
