namespace NetKit.Imap;

/// <summary>
/// One command as it came off the wire: its lines without CRLF and the literals between them.
/// Every line but the last ends with a literal's announcement ("{n}" or "{n+}"), and
/// <see cref="Literals"/>[i] is the literal announced at the end of <see cref="Lines"/>[i].
/// </summary>
public sealed class ImapRawCommand(IReadOnlyList<byte[]> lines, IReadOnlyList<byte[]> literals)
{
    public IReadOnlyList<byte[]> Lines { get; } = lines;

    public IReadOnlyList<byte[]> Literals { get; } = literals;

    /// <summary>A command of one line with no literal (tests, and the client's own formatting).</summary>
    public static ImapRawCommand FromText(string line) => new([System.Text.Encoding.UTF8.GetBytes(line)], []);

    /// <summary>The tag, if the first line starts with something that can be one (for BAD replies to broken commands).</summary>
    public string? TryGetTag()
    {
        var line = Lines.Count == 0 ? [] : Lines[0];
        var end = 0;
        while (end < line.Length && ImapGrammar.IsTagChar(line[end]))
        {
            end++;
        }

        return end == 0 ? null : System.Text.Encoding.ASCII.GetString(line, 0, end);
    }
}
