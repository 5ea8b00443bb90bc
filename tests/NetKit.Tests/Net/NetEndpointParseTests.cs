using NetKit.Net;

namespace NetKit.Tests.Net;

public class NetEndpointParseTests
{
    [Theory]
    [InlineData("127.0.0.1:9999", "127.0.0.1", 9999)]
    [InlineData("localhost:25", "localhost", 25)]
    [InlineData("example.org:8080", "example.org", 8080)]
    [InlineData("  localhost:25  ", "localhost", 25)]
    public void Parse_hostAndNumericPort_givesTcpEndpoint(string text, string host, int port)
    {
        var ep = NetEndpoint.Parse(text);

        Assert.Equal(NetEndpoint.Tcp(host, port), ep);
        Assert.Null(ep.UnixPath);
        Assert.False(ep.IsUnix);
        Assert.False(ep.IsDatagram);
    }

    [Theory]
    [InlineData("localhost:smtp", "localhost", 25)]
    [InlineData("example.org:http", "example.org", 80)]
    [InlineData("example.org:HTTP", "example.org", 80)]
    [InlineData("example.org:www", "example.org", 80)]
    [InlineData("mail.example:submission", "mail.example", 587)]
    public void Parse_hostAndServiceName_resolvesPort(string text, string host, int port) =>
        Assert.Equal(NetEndpoint.Tcp(host, port), NetEndpoint.Parse(text));

    [Theory]
    [InlineData("[::1]:7", "::1", 7)]
    [InlineData("[::1]:echo", "::1", 7)]
    [InlineData("[2001:db8::1]:443", "2001:db8::1", 443)]
    public void Parse_bracketedIPv6_givesHostWithoutBrackets(string text, string host, int port) =>
        Assert.Equal(NetEndpoint.Tcp(host, port), NetEndpoint.Parse(text));

    [Fact]
    public void Parse_bareIPv6WithDefaultPort_usesDefaultPort() =>
        Assert.Equal(NetEndpoint.Tcp("::1", 25), NetEndpoint.Parse("::1", defaultPort: 25));

    [Fact]
    public void Parse_bracketedIPv6WithoutPortButWithDefault_usesDefaultPort() =>
        Assert.Equal(NetEndpoint.Tcp("::1", 25), NetEndpoint.Parse("[::1]", defaultPort: 25));

    [Fact]
    public void Parse_bareIPv6WithoutDefaultPort_throwsFormatException()
    {
        var ex = Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse("::1"));
        Assert.Contains("brackets", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9999", 9999)]
    [InlineData("0", 0)]
    [InlineData("smtp", 25)]
    [InlineData("SMTP", 25)]
    [InlineData("mail", 25)]
    [InlineData(":25", 25)]
    [InlineData(":smtp", 25)]
    public void Parse_barePort_usesDefaultHost(string text, int port) =>
        Assert.Equal(NetEndpoint.Tcp("127.0.0.1", port), NetEndpoint.Parse(text));

    [Fact]
    public void Parse_barePortWithCustomDefaultHost_usesThatHost() =>
        Assert.Equal(NetEndpoint.Tcp("0.0.0.0", 8080), NetEndpoint.Parse("8080", defaultHost: "0.0.0.0"));

    [Theory]
    [InlineData("localhost", "localhost")]
    [InlineData("example.org", "example.org")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("nosuchservice", "nosuchservice")]
    public void Parse_bareHostWithDefaultPort_usesDefaultPort(string text, string host) =>
        Assert.Equal(NetEndpoint.Tcp(host, 25), NetEndpoint.Parse(text, defaultPort: 25));

    [Fact]
    public void Parse_bareServiceNameWithDefaultPort_isStillAPort() =>
        Assert.Equal(NetEndpoint.Tcp("127.0.0.1", 80), NetEndpoint.Parse("http", defaultPort: 25));

    [Fact]
    public void Parse_bareUnknownWordWithoutDefaultPort_throwsServiceNotFound()
    {
        var ex = Assert.Throws<ServiceNotFoundException>(() => NetEndpoint.Parse("smtpx"));
        Assert.Equal("unknown service \"smtpx\" for tcp", ex.Message);
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("192.0.2.1")]
    public void Parse_bareHostWithoutDefaultPort_throwsMissingPort(string text)
    {
        var ex = Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse(text));
        Assert.Contains("missing port", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://localhost:25", SocketTransport.Tcp, "localhost", 25)]
    [InlineData("TCP://localhost:smtp", SocketTransport.Tcp, "localhost", 25)]
    [InlineData("tcp://localhost:25/", SocketTransport.Tcp, "localhost", 25)]
    [InlineData("udp://127.0.0.1:53", SocketTransport.Udp, "127.0.0.1", 53)]
    [InlineData("udp://[::1]:echo", SocketTransport.Udp, "::1", 7)]
    [InlineData("udp://daytime", SocketTransport.Udp, "127.0.0.1", 13)]
    public void Parse_ipScheme_setsTransport(string text, SocketTransport transport, string host, int port) =>
        Assert.Equal(new NetEndpoint(transport, host, port, null), NetEndpoint.Parse(text));

    [Fact]
    public void Parse_defaultTransportUdp_givesUdpAndUdpServiceNames()
    {
        var ep = NetEndpoint.Parse("localhost:chargen", SocketTransport.Udp);

        Assert.Equal(NetEndpoint.Udp("localhost", 19), ep);
        Assert.True(ep.IsDatagram);
    }

    [Fact]
    public void Parse_explicitTcpSchemeWithUdpDefault_isTcp() =>
        Assert.Equal(SocketTransport.Tcp, NetEndpoint.Parse("tcp://localhost:25", SocketTransport.Udp).Transport);

    [Fact]
    public void Parse_tcpOnlyServiceOverUdp_throwsServiceNotFound()
    {
        var ex = Assert.Throws<ServiceNotFoundException>(() => NetEndpoint.Parse("udp://localhost:submission"));
        Assert.Equal("udp", ex.Protocol);
        Assert.Equal("unknown service \"submission\" for udp", ex.Message);
    }

    [Theory]
    [InlineData("unix:/tmp/e.sock", SocketTransport.UnixStream, "/tmp/e.sock")]
    [InlineData("unix:relative.sock", SocketTransport.UnixStream, "relative.sock")]
    [InlineData("unix:///tmp/e.sock", SocketTransport.UnixStream, "/tmp/e.sock")]
    [InlineData("unixgram:/tmp/d.sock", SocketTransport.UnixDatagram, "/tmp/d.sock")]
    [InlineData("UNIX:/tmp/e.sock", SocketTransport.UnixStream, "/tmp/e.sock")]
    [InlineData("unix:@netkit-abstract", SocketTransport.UnixStream, "@netkit-abstract")]
    public void Parse_unixScheme_givesPath(string text, SocketTransport transport, string path)
    {
        var ep = NetEndpoint.Parse(text);

        Assert.Equal(new NetEndpoint(transport, null, 0, path), ep);
        Assert.True(ep.IsUnix);
    }

    [Fact]
    public void Parse_unixWithUdpDefault_givesUnixDatagram()
    {
        var ep = NetEndpoint.Parse("unix:/x", SocketTransport.Udp);

        Assert.Equal(NetEndpoint.Unix("/x", datagram: true), ep);
        Assert.True(ep.IsDatagram);
    }

    [Fact]
    public void Parse_noSchemeWithUnixDefault_takesTextAsPath() =>
        Assert.Equal(NetEndpoint.Unix("/run/x.sock"), NetEndpoint.Parse("/run/x.sock", SocketTransport.UnixStream));

    [Fact]
    public void Parse_unknownScheme_namesItAndListsKnownOnes()
    {
        var ex = Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse("ftp://example.org:21"));

        Assert.Contains("\"ftp\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tcp, udp, unix, unixgram", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(ex);
    }

    [Fact]
    public void Parse_unknownServiceAfterHost_throwsServiceNotFound() =>
        Assert.Equal(
            "unknown service \"smtpx\" for tcp",
            Assert.Throws<ServiceNotFoundException>(() => NetEndpoint.Parse("localhost:smtpx")).Message);

    [Theory]
    [InlineData("localhost:65536")]
    [InlineData("localhost:99999999999")]
    [InlineData("localhost:-1")]
    [InlineData("70000")]
    [InlineData("[::1]:65536")]
    public void Parse_portOutOfRange_throwsFormatException(string text)
    {
        var ex = Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse(text));
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:0", 0)]
    [InlineData("localhost:65535", 65535)]
    [InlineData("localhost:1", 1)]
    public void Parse_portAtLimits_isAccepted(string text, int port) =>
        Assert.Equal(port, NetEndpoint.Parse(text).Port);

    [Fact]
    public void Parse_trailingColon_throwsMissingPort()
    {
        var ex = Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse("foo:"));
        Assert.Equal("invalid endpoint \"foo:\": missing port", ex.Message);
    }

    [Theory]
    [InlineData("[::1]", "missing port")]
    [InlineData("[::1]:", "missing port")]
    [InlineData("[::1:25", "missing ']'")]
    [InlineData("[]:25", "empty address")]
    [InlineData("[localhost]:25", "not an IPv6 address")]
    [InlineData("[127.0.0.1]:25", "not an IPv6 address")]
    [InlineData("[::1]25", "after ']'")]
    [InlineData("::1]:25", "']' without '['")]
    [InlineData("host:25:26", "too many ':'")]
    [InlineData("fe80::1:25", "needs brackets")]
    public void Parse_badBrackets_throwsFormatException(string text, string reason)
    {
        var ex = Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse(text));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, ex.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("unix:")]
    [InlineData("unixgram:")]
    [InlineData("unix:@")]
    [InlineData("tcp://")]
    [InlineData("tcp://localhost:25/path")]
    [InlineData("bad host:25")]
    public void Parse_malformed_throwsFormatException(string text) =>
        Assert.Throws<EndpointFormatException>(() => NetEndpoint.Parse(text));

    [Fact]
    public void Parse_hostName_isNotResolved() =>
        Assert.Equal("nosuch.invalid", NetEndpoint.Parse("nosuch.invalid:25").Host);

    [Theory]
    [InlineData("localhost:25", true)]
    [InlineData("foo:", false)]
    [InlineData("smtpx", false)]
    [InlineData("ftp://x:1", false)]
    public void TryParse_goodAndBadText_reportsSuccess(string text, bool expected)
    {
        var ok = NetEndpoint.TryParse(text, out var ep);

        Assert.Equal(expected, ok);
        Assert.Equal(expected, ep is not null);
    }

    [Fact]
    public void TryParse_withDefaults_passesThemOn()
    {
        Assert.True(NetEndpoint.TryParse("example.org", out var ep, SocketTransport.Udp, defaultPort: 7));
        Assert.Equal(NetEndpoint.Udp("example.org", 7), ep);
    }
}
