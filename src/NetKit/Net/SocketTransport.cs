namespace NetKit.Net;

/// <summary>The kind of socket an endpoint names: its address family and socket type together.</summary>
public enum SocketTransport
{
    /// <summary>A TCP stream over IPv4 or IPv6 (<c>tcp://</c>, the default).</summary>
    Tcp,

    /// <summary>UDP datagrams over IPv4 or IPv6 (<c>udp://</c>).</summary>
    Udp,

    /// <summary>A Unix domain stream socket (<c>unix:/path</c>).</summary>
    UnixStream,

    /// <summary>A Unix domain datagram socket (<c>unixgram:/path</c>).</summary>
    UnixDatagram,
}
