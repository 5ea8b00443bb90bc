namespace NetKit.Web;

/// <summary>The web console's settings for one run.</summary>
public sealed record WebServerOptions
{
    /// <summary>The service's default port (Mailpit's, which mail tools already expect).</summary>
    public const int DefaultPort = 8025;

    /// <summary>With <see cref="Password"/>: every route needs HTTP basic auth with these credentials. Null: no auth.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    public bool RequiresAuth => User is not null;
}
