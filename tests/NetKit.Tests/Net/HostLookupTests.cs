using System.Net;
using NetKit.Net;

namespace NetKit.Tests.Net;

// Only loopback names and addresses, and RFC 6761's .invalid: no test needs a network.
public class HostLookupTests
{
    [Fact]
    public void GetHostName_always_givesNonEmptyName() =>
        Assert.False(string.IsNullOrWhiteSpace(HostLookup.GetHostName()));

    [Fact]
    public async Task GetAddressesAsync_localhost_givesLoopbackAddresses()
    {
        var addresses = await HostLookup.GetAddressesAsync("localhost");

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a), $"{a} is not loopback"));
        Assert.Equal(addresses.Distinct().Count(), addresses.Count);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("192.0.2.7")]
    public async Task GetAddressesAsync_ipLiteral_givesItself(string literal)
    {
        var addresses = await HostLookup.GetAddressesAsync(literal);

        Assert.Equal([IPAddress.Parse(literal)], addresses);
    }

    [Theory]
    [InlineData("nosuch.invalid")]
    [InlineData("NoSuch.Invalid.")]
    [InlineData("invalid")]
    public async Task GetAddressesAsync_invalidName_throwsHostNotFound(string name)
    {
        var ex = await Assert.ThrowsAsync<HostNotFoundException>(() => HostLookup.GetAddressesAsync(name));

        Assert.Equal($"host not found: \"{name}\"", ex.Message);
        Assert.Equal(name, ex.Host);
    }

    [Fact]
    public async Task GetHostByAddressAsync_ipv4Loopback_givesLocalhost()
    {
        var entry = await HostLookup.GetHostByAddressAsync("127.0.0.1");

        Assert.Equal("localhost", entry.Name);
        Assert.Contains(IPAddress.Loopback, entry.Addresses);
    }

    [Fact]
    public async Task GetHostByAddressAsync_name_resolvesThenReverses()
    {
        var entry = await HostLookup.GetHostByAddressAsync("localhost");

        Assert.Equal("localhost", entry.Name);
        Assert.All(entry.Addresses, a => Assert.True(IPAddress.IsLoopback(a)));
        Assert.DoesNotContain("localhost", entry.Aliases);
    }

    [Fact]
    public async Task GetHostByAddressAsync_ipv6Loopback_givesNameOrHostNotFound()
    {
        // Whether ::1 has a name depends on /etc/hosts (this test machine's has none);
        // either way the only failure is HostNotFoundException, never a SocketException.
        try
        {
            var entry = await HostLookup.GetHostByAddressAsync("::1");
            Assert.False(string.IsNullOrEmpty(entry.Name));
        }
        catch (HostNotFoundException ex)
        {
            Assert.Equal("host not found: \"::1\"", ex.Message);
        }
    }

    [Fact]
    public async Task GetHostByAddressAsync_invalidName_throwsHostNotFound() =>
        await Assert.ThrowsAsync<HostNotFoundException>(() => HostLookup.GetHostByAddressAsync("nosuch.invalid"));

    [Fact]
    public async Task GetAddressesAsync_cancelledToken_throwsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HostLookup.GetAddressesAsync("localhost", cts.Token));
    }
}
