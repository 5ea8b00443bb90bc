using System.Net;
using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>Why a server could not listen, in one line that names the address (shared by stream and datagram servers).</summary>
internal static class ListenErrors
{
    public static NetKitException BindFailed(string service, string kind, EndPoint endPoint, SocketException ex)
    {
        var where = NetConnection.Describe(endPoint);
        return ex.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse => new NetKitException($"{service}: {kind} {where} is already in use", ex),
            SocketError.AccessDenied => new NetKitException($"{service}: no permission to listen on {kind} {where} (ports below 1024 need root)", ex),
            SocketError.AddressNotAvailable => new NetKitException($"{service}: {where} is not an address of this machine", ex),
            _ => new NetKitException($"{service}: cannot listen on {kind} {where}: {ex.Message}", ex),
        };
    }
}
