namespace NetKit.Smtp.Server;

/// <summary>
/// A bound on the whole time of a DATA or BDAT transfer. Its deadline is one of inactivity (it moves
/// on with each piece, RFC 5321 4.5.3.2.6), so on its own a client trickling one byte a second holds
/// the session until the size limit. Like Postfix's smtpd_min_data_rate (500 bytes/s), once a
/// transfer has taken longer than the data timeout it must have averaged at least the minimum rate.
/// </summary>
internal sealed class DataRateGuard
{
    /// <summary>What a client too slow hears before the close (Postfix: 421 4.4.2 ... Error: timeout exceeded).</summary>
    public static readonly SmtpWireReply TooSlow = new(421, "4.4.2", "Timeout: data too slow; closing the connection");

    private long _startedAt;
    private long _bytes;

    /// <summary>True once <see cref="IsTooSlow"/> has found the transfer too slow (until the next <see cref="Start"/>).</summary>
    public bool Tripped { get; private set; }

    /// <summary>A transfer (DATA's body, one BDAT chunk) begins.</summary>
    public void Start()
    {
        _startedAt = Environment.TickCount64;
        _bytes = 0;
        Tripped = false;
    }

    /// <summary>Bytes of the transfer arrived.</summary>
    public void Add(int bytes) => _bytes += bytes;

    /// <summary>
    /// True when the transfer has lasted more than <paramref name="grace"/> and averaged less than
    /// <paramref name="minBytesPerSecond"/> (0: no minimum).
    /// </summary>
    public bool IsTooSlow(TimeSpan grace, int minBytesPerSecond)
    {
        var elapsed = Environment.TickCount64 - _startedAt;
        Tripped = minBytesPerSecond > 0 && elapsed > grace.TotalMilliseconds && _bytes * 1000 < (long)minBytesPerSecond * elapsed;
        return Tripped;
    }
}
