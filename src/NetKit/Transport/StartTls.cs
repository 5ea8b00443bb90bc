using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport;

/// <summary>
/// The server side of an in-band TLS upgrade (SMTP STARTTLS, POP3 STLS, IMAP STARTTLS),
/// after the protocol has sent its "go ahead" reply. Written once for every such protocol;
/// each protocol keeps its own replies and its own reset of what it learnt in plaintext.
/// </summary>
public static class StartTls
{
    /// <summary>
    /// Throws away what arrived in plaintext after the command, then runs the server
    /// handshake within <paramref name="timeout"/>. Returns false when the peer went away
    /// or the handshake failed or timed out: there is no way back to plaintext, the session ends.
    /// </summary>
    /// <param name="command">The protocol's name for the command, for the wire trace.</param>
    /// <param name="discarded">Told how many plaintext bytes were thrown away, when there were any (for the protocol's log).</param>
    public static async ValueTask<bool> UpgradeServerAsync(
        NetConnection connection,
        LineReader reader,
        X509Certificate2 certificate,
        TimeSpan timeout,
        string command,
        Action<int> discarded,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(discarded);

        // Whatever came in plaintext after the command was sent before the handshake by
        // someone in the middle or a confused client; running it as if it came over TLS
        // is the CVE-2011-0411 class of attack. It is thrown away unread.
        var injected = reader.DiscardBuffered();
        if (injected > 0)
        {
            discarded(injected);
            connection.Trace?.Note($"discarded {injected} bytes sent in plaintext after {command}");
        }

        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshake.CancelAfter(timeout);
        try
        {
            await connection.UpgradeToServerTlsAsync(certificate, handshake.Token);
        }
        catch (Exception ex) when (Disconnects.IsDisconnect(ex))
        {
            return false;
        }

        return true;
    }
}
