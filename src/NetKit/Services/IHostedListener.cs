using System.Net;

namespace NetKit.Services;

/// <summary>
/// A service that brings its own listener instead of NetKit's <see cref="Transport.StreamServer"/>
/// (the web console runs on Kestrel): the host tells it where to bind, asks it for its
/// connection counts, and stops it. NetKit itself stays free of the listener's framework.
/// </summary>
public interface IHostedListener : IAsyncDisposable
{
    /// <summary>Binds every address given and starts serving; returns the addresses bound (real ports when 0 was asked for).</summary>
    Task<IReadOnlyList<IPEndPoint>> StartAsync(IReadOnlyList<IPEndPoint> bindTo, CancellationToken ct);

    /// <summary>Stops accepting, lets requests in progress finish (briefly), and closes.</summary>
    Task StopAsync(CancellationToken ct);

    /// <summary>The URL scheme shown for its endpoints (http).</summary>
    string Scheme { get; }

    int ActiveConnections { get; }

    long TotalConnections { get; }
}
