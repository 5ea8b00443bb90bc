using Microsoft.Extensions.Logging;

namespace NetKit.Transport;

/// <summary>The transport's log lines, with stable event ids (1xx: stream servers, 2xx: datagram servers).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(100, LogLevel.Information, "{Service}: listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, string service, string endpoint);

    [LoggerMessage(101, LogLevel.Information, "{Service}: connection from {Remote}")]
    public static partial void ConnectionFrom(ILogger logger, string service, string remote);

    [LoggerMessage(102, LogLevel.Debug, "{Service}: connection from {Remote} closed after {Milliseconds} ms")]
    public static partial void ConnectionClosed(ILogger logger, string service, string remote, long milliseconds);

    [LoggerMessage(103, LogLevel.Warning, "{Service}: refused {Remote}: {Reason}")]
    public static partial void ConnectionLimit(ILogger logger, string service, string remote, string reason);

    [LoggerMessage(104, LogLevel.Information, "{Service}: {Remote} idle for {Seconds} s; closing")]
    public static partial void IdleTimeout(ILogger logger, string service, string remote, double seconds);

    [LoggerMessage(105, LogLevel.Debug, "{Service}: {Remote} went away: {Reason}")]
    public static partial void PeerGone(ILogger logger, string service, string remote, string reason);

    [LoggerMessage(106, LogLevel.Error, "{Service}: session with {Remote} failed")]
    public static partial void SessionFailed(ILogger logger, Exception exception, string service, string remote);

    [LoggerMessage(107, LogLevel.Warning, "{Service}: accept failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string service, string reason);

    [LoggerMessage(108, LogLevel.Information, "{Service}: stopping; {Active} connections still open")]
    public static partial void Stopping(ILogger logger, string service, int active);

    [LoggerMessage(109, LogLevel.Warning, "{Service}: {Active} connections did not finish within {Seconds} s; closing them")]
    public static partial void ShutdownForced(ILogger logger, string service, int active, double seconds);

    [LoggerMessage(110, LogLevel.Information, "{Service}: TLS handshake with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string service, string remote, string reason);

    [LoggerMessage(200, LogLevel.Debug, "{Service}: datagram of {Length} bytes from {Remote}")]
    public static partial void DatagramFrom(ILogger logger, string service, string remote, int length);

    [LoggerMessage(201, LogLevel.Debug, "{Service}: datagram from {Remote} not handled: {Reason}")]
    public static partial void DatagramFailed(ILogger logger, string service, string remote, string reason);
}
