using NetKit.Tests.Support;
using System.Net;
using System.Net.Sockets;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class NetConnectionConnectTests
{

    [Fact]
    public async Task ConnectAsync_nothingListening_namesTheEndpoint()
    {
        var endpoint = NetEndpoint.Tcp("127.0.0.1", LoopbackPorts.Free());
        var error = await Assert.ThrowsAsync<NetKitException>(() => NetConnection.ConnectAsync(endpoint, TimeSpan.FromSeconds(10)));
        Assert.Equal($"cannot connect to {endpoint}: connection refused", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_missingUnixSocket_saysSo()
    {
        var endpoint = NetEndpoint.Unix($"/tmp/nk-missing-{Guid.NewGuid():N}.sock");
        var error = await Assert.ThrowsAsync<NetKitException>(() => NetConnection.ConnectAsync(endpoint, TimeSpan.FromSeconds(10)));
        Assert.Equal($"cannot connect to {endpoint}: no such socket", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_localhost_triesEachAddressUntilOneAnswers()
    {
        // Listen on IPv4 only: "localhost" may resolve to ::1 first, which refuses.
        await using var server = new StreamServer("v4", new IPEndPoint(IPAddress.Loopback, 0), (c, _) => Task.CompletedTask);
        server.Start();
        var endpoint = NetEndpoint.Tcp("localhost", ((IPEndPoint)server.LocalEndPoint!).Port);
        await using var connection = await NetConnection.ConnectAsync(endpoint, TimeSpan.FromSeconds(10));
        Assert.True(connection.IsLocal);
    }

    [Fact]
    public async Task ConnectAsync_datagramEndpoint_isRefusedByTheStreamApi()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => NetConnection.ConnectAsync(NetEndpoint.Udp("127.0.0.1", 7), TimeSpan.FromSeconds(1)));
    }
}
