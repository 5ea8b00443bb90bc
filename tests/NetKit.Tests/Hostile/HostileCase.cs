using System.Collections.ObjectModel;
using System.Text;

namespace NetKit.Tests.Hostile;

/// <summary>
/// One exchange of a hostile case: the bytes sent, then every reply line expected, in order
/// (without the line ending). An expected line ending in '*' matches any line with that prefix;
/// any other expected line must match exactly; one starting with '~' skips lines up to one that
/// matches the rest (untagged lines whose number does not matter). With <see cref="StartTls"/> the client performs
/// a TLS handshake once the replies have been read.
/// </summary>
public sealed record HostileStep(byte[] Send, IReadOnlyList<string> Expect, bool StartTls = false);

/// <summary>
/// A named hostile case: its exchanges, and whether the server must close the connection
/// after them (otherwise it must still answer the protocol's probe command on it).
/// </summary>
public sealed record HostileCase(string Name, IReadOnlyList<HostileStep> Steps, bool Closes);

/// <summary>Builds cases tersely; text is sent as Latin-1 so "\u00ff" is the single byte 0xFF (invalid UTF-8 on purpose).</summary>
public static class Hostile
{
    /// <summary>Each character a byte: "\0", "\r", "\u00c3\u00a9" (é in UTF-8), "\u00ff" (never valid UTF-8).</summary>
    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    /// <summary>Text as its UTF-8 bytes, one character a byte, for <see cref="Say"/>.</summary>
    public static string Utf8(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));

    public static HostileStep Say(string latin1, params string[] expect) => new(Bytes(latin1), expect);

    /// <summary>Sends a command that must be answered with the TLS go-ahead, then performs the handshake.</summary>
    public static HostileStep Tls(string latin1, params string[] expect) => new(Bytes(latin1), expect, StartTls: true);

    /// <summary>The same line <paramref name="count"/> times.</summary>
    public static string[] Times(int count, string line) => [.. Enumerable.Repeat(line, count)];

    /// <summary>UTF-8 text in base64, as SASL exchanges carry it.</summary>
    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary><paramref name="count"/> copies of <paramref name="text"/> joined: a pipelined flood in one write.</summary>
    public static string Repeat(int count, string text) => string.Concat(Enumerable.Repeat(text, count));
}

/// <summary>The cases of one protocol by name, so a theory lists each case under its own name.</summary>
public sealed class HostileCases() : ReadOnlyDictionary<string, HostileCase>(new Dictionary<string, HostileCase>(StringComparer.Ordinal))
{
    /// <summary>A case after which the connection must stay open and serving.</summary>
    public HostileCases Open(string name, params HostileStep[] steps) => Add(new HostileCase(name, steps, Closes: false));

    /// <summary>A case after which the server must have closed the connection.</summary>
    public HostileCases Closed(string name, params HostileStep[] steps) => Add(new HostileCase(name, steps, Closes: true));

    private HostileCases Add(HostileCase hostile)
    {
        Dictionary.Add(hostile.Name, hostile);
        return this;
    }
}
