namespace NetKit.Transport;

/// <summary>Responses a server holds back until a pipelining client's batch ends.</summary>
public interface IPendingOutput
{
    bool HasPending { get; }

    ValueTask FlushAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The read of a server that answers pipelined commands in one write (SMTP
/// PIPELINING, POP3 PIPELINING): when the next line is not already buffered,
/// the responses waiting are sent first, since that is where the client's batch
/// ends and it waits for answers. Written once for every such protocol.
/// </summary>
public static class PipelinedReads
{
    /// <summary>
    /// Reads the next line (until <paramref name="readToken"/> is cancelled), sending what
    /// <paramref name="output"/> holds (until <paramref name="flushToken"/>) if the line is not
    /// there yet. A failed send closes the connection and throws.
    /// </summary>
    public static async ValueTask<LineResult> ReadLineAsync(
        LineReader reader, IPendingOutput output, NetConnection connection, CancellationToken readToken, CancellationToken flushToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(connection);
        var pending = reader.ReadLineAsync(readToken);
        if (!pending.IsCompleted && output.HasPending)
        {
            try
            {
                await output.FlushAsync(flushToken);
            }
            catch
            {
                connection.Abort();
                await ObserveAsync(pending);
                throw;
            }
        }

        return await pending;
    }

    /// <summary>Waits out the read a failed send left behind, so its failure is not unobserved.</summary>
    private static async ValueTask ObserveAsync(ValueTask<LineResult> pending)
    {
        try
        {
            await pending;
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex))
        {
            // The connection is being closed for the send's failure.
        }
    }
}
