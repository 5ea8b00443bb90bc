using System.Net.Sockets;
using System.Security.Authentication;

namespace NetKit.Transport;

/// <summary>Tells a peer that left (an everyday event) from a bug (which deserves an error in the log).</summary>
public static class Disconnects
{
    public static bool IsDisconnect(Exception exception) => exception switch
    {
        SocketException => true,
        IOException => true,
        ObjectDisposedException => true,
        AuthenticationException => true,
        OperationCanceledException => true,
        _ => false,
    };

    public static string Reason(Exception exception) => exception switch
    {
        IOException { InnerException: SocketException se } => se.SocketErrorCode.ToString(),
        SocketException se => se.SocketErrorCode.ToString(),
        OperationCanceledException => "cancelled",
        ObjectDisposedException => "closed",
        _ => exception.Message,
    };
}
