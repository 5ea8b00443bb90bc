using System.Net;
using System.Net.Sockets;
using NetKit.Net;

namespace NetKit.Tests.Net;

public class NetEndpointTests
{
    [Theory]
    [InlineData(SocketTransport.Tcp, "127.0.0.1", 9999, null, "tcp://127.0.0.1:9999")]
    [InlineData(SocketTransport.Udp, "::1", 7, null, "udp://[::1]:7")]
    [InlineData(SocketTransport.Tcp, "example.org", 0, null, "tcp://example.org:0")]
    [InlineData(SocketTransport.UnixStream, null, 0, "/tmp/e.sock", "unix:/tmp/e.sock")]
    [InlineData(SocketTransport.UnixDatagram, null, 0, "/tmp/d.sock", "unixgram:/tmp/d.sock")]
    [InlineData(SocketTransport.UnixStream, null, 0, "@abstract", "unix:@abstract")]
    public void ToString_eachTransport_printsUriForm(SocketTransport transport, string? host, int port, string? path, string expected)
    {
        var ep = new NetEndpoint(transport, host, port, path);

        Assert.Equal(expected, ep.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:9999")]
    [InlineData("udp://[::1]:7")]
    [InlineData("[2001:db8::1]:443")]
    [InlineData("localhost:smtp")]
    [InlineData("0")]
    [InlineData("unix:/tmp/e.sock")]
    [InlineData("unixgram:/tmp/d.sock")]
    [InlineData("unix:@abstract")]
    public void ToString_parsedEndpoint_parsesBackToEqualValue(string text)
    {
        var ep = NetEndpoint.Parse(text);

        Assert.Equal(ep, NetEndpoint.Parse(ep.ToString()));
    }

    [Fact]
    public void Factories_eachTransport_setFlags()
    {
        Assert.Equal(new NetEndpoint(SocketTransport.Tcp, "h", 1, null), NetEndpoint.Tcp("h", 1));
        Assert.Equal(new NetEndpoint(SocketTransport.Udp, "h", 1, null), NetEndpoint.Udp("h", 1));
        Assert.Equal(new NetEndpoint(SocketTransport.UnixStream, null, 0, "/p"), NetEndpoint.Unix("/p"));
        Assert.Equal(new NetEndpoint(SocketTransport.UnixDatagram, null, 0, "/p"), NetEndpoint.Unix("/p", datagram: true));
        Assert.True(NetEndpoint.Udp("h", 1).IsDatagram);
        Assert.True(NetEndpoint.Unix("/p", datagram: true).IsDatagram);
        Assert.False(NetEndpoint.Unix("/p").IsDatagram);
        Assert.True(NetEndpoint.Unix("/p").IsUnix);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Constructor_portOutOfRange_throws(int port)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NetEndpoint.Tcp("h", port));
        Assert.Throws<ArgumentOutOfRangeException>(() => NetEndpoint.Tcp("h", 1) with { Port = port });
    }

    [Fact]
    public void WithTransport_tcpToUdp_keepsHostAndPort()
    {
        var udp = NetEndpoint.Tcp("example.org", 7).WithTransport(SocketTransport.Udp);

        Assert.Equal(NetEndpoint.Udp("example.org", 7), udp);
        Assert.Equal(NetEndpoint.Tcp("example.org", 7), udp.WithTransport(SocketTransport.Tcp));
    }

    [Fact]
    public void WithTransport_unixStreamToDatagram_keepsPath() =>
        Assert.Equal(NetEndpoint.Unix("/p", datagram: true), NetEndpoint.Unix("/p").WithTransport(SocketTransport.UnixDatagram));

    [Fact]
    public void WithTransport_ipToUnix_throws()
    {
        Assert.Throws<ArgumentException>(() => NetEndpoint.Tcp("h", 1).WithTransport(SocketTransport.UnixStream));
        Assert.Throws<ArgumentException>(() => NetEndpoint.Unix("/p").WithTransport(SocketTransport.Tcp));
    }

    [Fact]
    public async Task ResolveAsync_ipv4Literal_givesIPEndPointWithoutLookup()
    {
        var ep = await NetEndpoint.Parse("127.0.0.1:9999").ResolveAsync();

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9999), ep);
    }

    [Fact]
    public async Task ResolveAsync_ipv6Literal_givesIPv6EndPoint()
    {
        var ep = await NetEndpoint.Parse("[::1]:7").ResolveAsync();

        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7), ep);
    }

    [Fact]
    public async Task ResolveAsync_localhost_givesLoopbackAddress()
    {
        var ep = Assert.IsType<IPEndPoint>(await NetEndpoint.Parse("localhost:smtp").ResolveAsync());

        Assert.True(IPAddress.IsLoopback(ep.Address));
        Assert.Equal(25, ep.Port);
    }

    [Fact]
    public async Task ResolveAllAsync_localhost_givesOnlyLoopbackAddresses()
    {
        var all = await NetEndpoint.Parse("localhost:80").ResolveAllAsync();

        Assert.NotEmpty(all);
        Assert.All(all, e => Assert.True(IPAddress.IsLoopback(Assert.IsType<IPEndPoint>(e).Address)));
    }

    [Fact]
    public async Task ResolveAsync_unknownHost_throwsHostNotFound()
    {
        var ex = await Assert.ThrowsAsync<HostNotFoundException>(() => NetEndpoint.Parse("nosuch.invalid:25").ResolveAsync());

        Assert.Equal("host not found: \"nosuch.invalid\"", ex.Message);
    }

    [Fact]
    public async Task ResolveAsync_unixPath_givesUnixDomainSocketEndPoint()
    {
        var ep = Assert.IsType<UnixDomainSocketEndPoint>(await NetEndpoint.Parse("unix:/tmp/e.sock").ResolveAsync());

        Assert.Equal("/tmp/e.sock", ep.ToString());
    }

    [Fact]
    public async Task ResolveAsync_abstractName_givesLeadingNul()
    {
        var ep = Assert.IsType<UnixDomainSocketEndPoint>(await NetEndpoint.Parse("unix:@netkit-test").ResolveAsync());

        // UnixDomainSocketEndPoint prints an abstract name with '@' for the NUL.
        Assert.Equal("@netkit-test", ep.ToString());
    }

    [Fact]
    public async Task ResolveAsync_unixEndpoint_canBeBoundAndConnected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"netkit-{Guid.NewGuid():N}.sock");
        try
        {
            var ep = await NetEndpoint.Unix(path).ResolveAsync();
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(ep);
            listener.Listen();
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(ep);
            using var accepted = await listener.AcceptAsync();

            Assert.True(client.Connected);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ResolveAsync_cancelledToken_throwsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NetEndpoint.Tcp("localhost", 1).ResolveAsync(cts.Token));
    }
}
