using System.Globalization;

namespace NetKit.Net;

/// <summary>
/// One services table, as read from a file in the format of <c>/etc/services</c>
/// (<c>name port/proto aliases... # comment</c>) and merged with the built-in
/// table. Immutable once built, so it is safe to share between threads.
/// </summary>
internal sealed class ServiceTable
{
    /// <summary>The well-known services NetKit knows without any file.</summary>
    private static readonly (string Name, int Port, string Protocol, string[] Aliases)[] BuiltInEntries =
    [
        ("echo", 7, "tcp", []),
        ("echo", 7, "udp", []),
        ("discard", 9, "tcp", ["sink", "null"]),
        ("discard", 9, "udp", ["sink", "null"]),
        ("daytime", 13, "tcp", []),
        ("daytime", 13, "udp", []),
        ("chargen", 19, "tcp", ["ttytst", "source"]),
        ("chargen", 19, "udp", ["ttytst", "source"]),
        ("ftp-data", 20, "tcp", []),
        ("ftp", 21, "tcp", []),
        ("ssh", 22, "tcp", []),
        ("telnet", 23, "tcp", []),
        ("smtp", 25, "tcp", ["mail"]),
        ("gopher", 70, "tcp", []),
        ("http", 80, "tcp", ["www"]),
        ("pop3", 110, "tcp", ["pop-3"]),
        ("nntp", 119, "tcp", ["readnews", "untp"]),
        ("imap", 143, "tcp", ["imap2"]),
        ("https", 443, "tcp", []),
        ("nntps", 563, "tcp", ["snntp"]),
        ("submission", 587, "tcp", []),
        ("imaps", 993, "tcp", []),
        ("pop3s", 995, "tcp", ["pop3-ssl"]),
    ];

    private readonly Dictionary<(string Name, string Protocol), ServiceEntry> _byName = [];
    private readonly Dictionary<(int Port, string Protocol), ServiceEntry> _byPort = [];

    private ServiceTable()
    {
    }

    /// <summary>The built-in table alone.</summary>
    public static ServiceTable BuiltIn()
    {
        var table = new ServiceTable();
        table.AddBuiltIns();
        return table;
    }

    /// <summary>
    /// Reads <paramref name="path"/> if it exists, then adds the built-in
    /// entries the file lacks. A missing or unreadable file gives the built-in table.
    /// </summary>
    public static ServiceTable Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return BuiltIn();
        }

        return Parse(lines);
    }

    /// <summary>Builds a table from lines in the <c>/etc/services</c> format, plus the built-in entries.</summary>
    public static ServiceTable Parse(IEnumerable<string> lines)
    {
        var table = new ServiceTable();
        foreach (var line in lines)
        {
            if (TryParseLine(line, out var entry))
            {
                table.Add(entry);
            }
        }

        table.AddBuiltIns();
        return table;
    }

    /// <summary>
    /// Parses one line: <c>name port/proto [aliases...] [# comment]</c>.
    /// Blank lines, comments and malformed lines give false.
    /// </summary>
    internal static bool TryParseLine(string line, out ServiceEntry entry)
    {
        entry = default!;
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        var content = hash >= 0 ? line[..hash] : line;
        var fields = content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return false;
        }

        var slash = fields[1].IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == fields[1].Length - 1)
        {
            return false;
        }

        if (!int.TryParse(fields[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        var protocol = fields[1][(slash + 1)..].ToLowerInvariant();
        entry = new ServiceEntry(fields[0], port, protocol, fields[2..]);
        return true;
    }

    public bool TryGetEntry(string name, string protocol, out ServiceEntry entry) =>
        _byName.TryGetValue((name.ToLowerInvariant(), protocol.ToLowerInvariant()), out entry!);

    public ServiceEntry? GetEntry(int port, string protocol) =>
        _byPort.TryGetValue((port, protocol.ToLowerInvariant()), out var entry) ? entry : null;

    private void AddBuiltIns()
    {
        foreach (var (name, port, protocol, aliases) in BuiltInEntries)
        {
            Add(new ServiceEntry(name, port, protocol, aliases));
        }
    }

    /// <summary>Adds an entry; the first entry for a name (or port) wins, as in getservbyname.</summary>
    private void Add(ServiceEntry entry)
    {
        // A name the file already has keeps the file's port and aliases.
        if (_byName.ContainsKey((entry.Name.ToLowerInvariant(), entry.Protocol)))
        {
            return;
        }

        _byName[(entry.Name.ToLowerInvariant(), entry.Protocol)] = entry;
        foreach (var alias in entry.Aliases)
        {
            _byName.TryAdd((alias.ToLowerInvariant(), entry.Protocol), entry);
        }

        _byPort.TryAdd((entry.Port, entry.Protocol), entry);
    }
}
