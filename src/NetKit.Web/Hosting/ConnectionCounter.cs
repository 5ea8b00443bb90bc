using Microsoft.AspNetCore.Connections;

namespace NetKit.Web.Hosting;

/// <summary>Counts Kestrel's connections (open now, since start) for the status page, as StreamServer does for the others.</summary>
internal sealed class ConnectionCounter
{
    private int _active;
    private long _total;

    public int Active => Volatile.Read(ref _active);

    public long Total => Interlocked.Read(ref _total);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    };
}
