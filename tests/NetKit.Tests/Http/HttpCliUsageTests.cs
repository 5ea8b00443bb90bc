using System.Net;
using System.Net.Sockets;
using NetKit.Tests.Support;

namespace NetKit.Tests.Http;

/// <summary>`netkit http` given bad input or no server: one clear line and the right exit code, before any bytes are sent.</summary>
public sealed class HttpCliUsageTests
{
    [Theory]
    [InlineData("http://[::1", "malformed URL")]
    [InlineData("http://", "malformed URL")]
    [InlineData("ftp://127.0.0.1/x", "unsupported URL scheme \"ftp\"")]
    [InlineData("gopher://127.0.0.1/", "unsupported URL scheme \"gopher\"")]
    public async Task BadUrl_usageExit2(string url, string message)
    {
        var result = await NetkitCli.RunAsync("http", "get", url);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"netkit: {message}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "fetch", "http://127.0.0.1:1/" }, "unknown method \"fetch\"")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--data", "a", "--json", "b=c" }, "give one body")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--continue" }, "--continue needs -o FILE")]
    [InlineData(new[] { "http://127.0.0.1:1/", "-H", "no colon" }, "bad header \"no colon\"")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--json", "n:=nope" }, "--json n:=nope")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--user", "nocolon" }, "--user needs USER:PASSWORD")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--http2", "--http1.1" }, "give one of --http1.1")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--http3" }, "HTTP/3 runs over QUIC")]
    [InlineData(new[] { "http://127.0.0.1:1/", "--data", "@/no/such/file" }, "--data @/no/such/file: no such file")]
    public async Task BadOptions_usageExit2(string[] arguments, string message)
    {
        var result = await NetkitCli.RunAsync(["http", .. arguments]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"netkit: {message}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http3_saysWhetherThePlatformHasIt()
    {
        var result = await NetkitCli.RunAsync("http", "https://127.0.0.1:1/", "--http3", "--timeout", "2");
        if (System.Net.Quic.QuicListener.IsSupported)
        {
            Assert.True(result.ExitCode == 3, result.ToString());
        }
        else
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Equal("netkit: HTTP/3 is not available on this machine: .NET needs QUIC (libmsquic) for it, and it is not installed", Assert.Single(result.StderrLines));
        }
    }

    [Fact]
    public async Task NoServer_connectionRefusedExit3()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var result = await NetkitCli.RunAsync("http", $"http://127.0.0.1:{port}/");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith("netkit: connection refused", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
