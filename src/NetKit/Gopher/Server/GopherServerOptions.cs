namespace NetKit.Gopher.Server;

/// <summary>What a <see cref="GopherServer"/> serves and the limits it keeps.</summary>
public sealed record GopherServerOptions
{
    /// <summary>The directory served as the Gopher hole; nothing outside it is ever served.</summary>
    public required string Root { get; init; }

    /// <summary>
    /// The host name menus point at. Null: the address the client connected to,
    /// which always works for that client.
    /// </summary>
    public string? HostName { get; init; }

    /// <summary>The port menus point at. Null: the port the client connected to.</summary>
    public int? Port { get; init; }

    /// <summary>The longest request line (selector, tab, search) in bytes.</summary>
    public int MaxSelectorLength { get; init; } = 1024;

    /// <summary>How long a client may take to send its request line.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The name of the file that, in a directory, describes its menu.</summary>
    public string MapFileName { get; init; } = "gophermap";

    /// <summary>The most items a search answers with.</summary>
    public int MaxSearchResults { get; init; } = 100;

    /// <summary>Text files bigger than this are searched by name only.</summary>
    public long MaxSearchFileBytes { get; init; } = 1024 * 1024;

    /// <summary>The most files one search looks at, so one request cannot walk a huge tree.</summary>
    public int MaxSearchFiles { get; init; } = 10_000;
}
