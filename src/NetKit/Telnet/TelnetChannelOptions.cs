namespace NetKit.Telnet;

/// <summary>How one end of a Telnet connection behaves: what it agrees to and what it tells the peer.</summary>
public sealed record TelnetChannelOptions
{
    /// <summary>Which options each side may perform. Null: <see cref="TelnetOptionPolicy.Client"/> or <see cref="TelnetOptionPolicy.Server"/> by role.</summary>
    public TelnetOptionPolicy? Policy { get; init; }

    /// <summary>The longest subnegotiation kept; longer ones are dropped (never buffered without end).</summary>
    public int MaxSubnegotiation { get; init; } = TelnetParser.DefaultMaxSubnegotiation;

    /// <summary>Our terminal type, sent when the peer asks (TTYPE). Null: UNKNOWN.</summary>
    public string? TerminalType { get; init; }

    /// <summary>Our window size, sent once NAWS is agreed.</summary>
    public (int Width, int Height)? WindowSize { get; init; }

    /// <summary>The variables we send when the peer asks (NEW-ENVIRON).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Server side: EC, EL and IP arrive as DEL, Ctrl+U and Ctrl+C in the data, where a line editor handles them.</summary>
    public bool EditingCommandsAsData { get; init; }

    /// <summary>What we answer to AYT (Are You There); null: nothing.</summary>
    public string? AreYouThereReply { get; init; }
}
