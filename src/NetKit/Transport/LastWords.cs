namespace NetKit.Transport;

/// <summary>
/// A server's last words before it closes (a 421, a "* BYE", an "-ERR", a goodbye line): they get a
/// short grace, because a peer that stopped reading must not hold the session open, and a peer
/// already gone simply does not hear them. The session logs why it ends; closing is the server's.
/// </summary>
internal static class LastWords
{
    /// <summary>How long the last words may take to go out.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="say"/> (the write or flush of the last words) within <see cref="Grace"/>;
    /// false when the peer did not hear them: it left, or did not read in time.
    /// </summary>
    public static async ValueTask<bool> TrySayAsync(Func<CancellationToken, ValueTask> say)
    {
        try
        {
            using var grace = new CancellationTokenSource(Grace);
            // The token asks the write to stop; WaitAsync makes sure the session goes on at the grace
            // even if a write does not heed it (the close that follows ends that write).
            await say(grace.Token).AsTask().WaitAsync(grace.Token);
            return true;
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex))
        {
            return false; // It will not hear the goodbye.
        }
    }
}
