using NetKit.Net;

namespace NetKit.Tests.Net;

public class ServiceNamesTests
{
    private static readonly string[] SampleLines =
    [
        "# /etc/services: a sample with the usual mess",
        "",
        "   ",
        "echo\t\t7/tcp",
        "echo\t\t7/udp",
        "smtp\t\t25/tcp\t\tmail",
        "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
        "pop3\t\t110/TCP\t\tpop-3\t\t# POP version 3",
        "imap2\t\t143/tcp\t\timap\t\t# names swapped on purpose",
        "custom\t\t4242/tcp\tcust c42",
        "custom\t\t4343/tcp\t# a second line for a name: the first wins",
        "other\t\t4242/tcp\t# a second name for a port: the first wins",
        "noport",
        "badport\t\tabc/tcp",
        "noproto\t\t99",
        "emptyproto\t99/",
        "zero\t\t0/tcp",
        "toobig\t\t70000/tcp",
        "#commented\t5/tcp",
        "  indented\t6/tcp  # leading blanks are fine",
    ];

    private static ServiceTable Sample() => ServiceTable.Parse(SampleLines);

    private static int PortOf(ServiceTable table, string name, string protocol = "tcp") =>
        table.TryGetEntry(name, protocol, out var entry) ? entry.Port : -1;

    [Theory]
    [InlineData("echo", "tcp", 7)]
    [InlineData("echo", "udp", 7)]
    [InlineData("smtp", "tcp", 25)]
    [InlineData("mail", "tcp", 25)]
    [InlineData("www", "tcp", 80)]
    [InlineData("WWW", "TCP", 80)]
    [InlineData("pop-3", "tcp", 110)]
    [InlineData("imap", "tcp", 143)]
    [InlineData("custom", "tcp", 4242)]
    [InlineData("c42", "tcp", 4242)]
    [InlineData("indented", "tcp", 6)]
    public void Parse_sampleFile_findsNamesAndAliases(string name, string protocol, int port) =>
        Assert.Equal(port, PortOf(Sample(), name, protocol));

    [Theory]
    [InlineData("noport")]
    [InlineData("badport")]
    [InlineData("noproto")]
    [InlineData("emptyproto")]
    [InlineData("zero")]
    [InlineData("toobig")]
    [InlineData("commented")]
    public void Parse_malformedOrCommentedLine_isSkipped(string name) =>
        Assert.Equal(-1, PortOf(Sample(), name));

    [Fact]
    public void Parse_portWithTwoNames_firstNameWins() =>
        Assert.Equal("custom", Sample().GetEntry(4242, "tcp")?.Name);

    [Fact]
    public void Parse_entry_keepsAliasesInOrder() =>
        Assert.Equal(["cust", "c42"], Sample().GetEntry(4242, "tcp")?.Aliases);

    [Fact]
    public void Parse_nameMissingFromFile_fallsBackToBuiltIn()
    {
        var table = Sample();

        Assert.Equal(587, PortOf(table, "submission"));
        Assert.Equal(70, PortOf(table, "gopher"));
        Assert.Equal(19, PortOf(table, "chargen", "udp"));
    }

    [Fact]
    public void Parse_nameInFile_fileWinsOverBuiltIn()
    {
        // The sample calls 143 "imap2" with alias "imap"; the built-in table says the opposite.
        var entry = Sample().GetEntry(143, "tcp");

        Assert.Equal("imap2", entry?.Name);
        Assert.Equal(["imap"], entry?.Aliases);
    }

    [Fact]
    public void Load_missingFile_givesBuiltInTable()
    {
        var table = ServiceTable.Load(Path.Combine(Path.GetTempPath(), $"netkit-no-such-{Guid.NewGuid():N}"));

        Assert.Equal(25, PortOf(table, "smtp"));
        Assert.Equal(25, PortOf(table, "mail"));
        Assert.Equal("http", table.GetEntry(80, "tcp")?.Name);
    }

    [Fact]
    public void Load_sampleFile_readsIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"netkit-services-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllLines(path, SampleLines);

            var table = ServiceTable.Load(path);

            Assert.Equal(4242, PortOf(table, "custom"));
            Assert.Equal(25, PortOf(table, "smtp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("echo", 7, "tcp")]
    [InlineData("echo", 7, "udp")]
    [InlineData("discard", 9, "udp")]
    [InlineData("daytime", 13, "udp")]
    [InlineData("chargen", 19, "udp")]
    [InlineData("ftp-data", 20, "tcp")]
    [InlineData("ftp", 21, "tcp")]
    [InlineData("ssh", 22, "tcp")]
    [InlineData("telnet", 23, "tcp")]
    [InlineData("smtp", 25, "tcp")]
    [InlineData("gopher", 70, "tcp")]
    [InlineData("http", 80, "tcp")]
    [InlineData("pop3", 110, "tcp")]
    [InlineData("nntp", 119, "tcp")]
    [InlineData("imap", 143, "tcp")]
    [InlineData("https", 443, "tcp")]
    [InlineData("nntps", 563, "tcp")]
    [InlineData("submission", 587, "tcp")]
    [InlineData("imaps", 993, "tcp")]
    [InlineData("pop3s", 995, "tcp")]
    public void BuiltIn_wellKnownService_hasItsPort(string name, int port, string protocol)
    {
        var table = ServiceTable.BuiltIn();

        Assert.Equal(port, PortOf(table, name, protocol));
        Assert.Equal(name, table.GetEntry(port, protocol)?.Name);
    }

    [Fact]
    public void GetPort_knownNameAnyCase_givesPort()
    {
        Assert.Equal(25, ServiceNames.GetPort("smtp"));
        Assert.Equal(25, ServiceNames.GetPort("SMTP", "TCP"));
        Assert.Equal(7, ServiceNames.GetPort("echo", "udp"));
    }

    [Fact]
    public void GetPort_unknownName_throwsServiceNotFound()
    {
        var ex = Assert.Throws<ServiceNotFoundException>(() => ServiceNames.GetPort("smtpx"));

        Assert.Equal("unknown service \"smtpx\" for tcp", ex.Message);
        Assert.Equal("smtpx", ex.Service);
        Assert.IsAssignableFrom<NetKitException>(ex);
    }

    [Fact]
    public void TryGetPort_unknownName_returnsFalse()
    {
        Assert.False(ServiceNames.TryGetPort("smtpx", "tcp", out var port));
        Assert.Equal(0, port);
    }

    [Fact]
    public void TryGetPort_tcpOnlyServiceOverUdp_returnsFalse() =>
        Assert.False(ServiceNames.TryGetPort("submission", "udp", out _));

    [Theory]
    [InlineData(25, "tcp", "smtp")]
    [InlineData(80, "tcp", "http")]
    [InlineData(7, "udp", "echo")]
    public void GetName_knownPort_givesName(int port, string protocol, string name) =>
        Assert.Equal(name, ServiceNames.GetName(port, protocol));

    [Fact]
    public void GetName_unknownPort_givesNull() => Assert.Null(ServiceNames.GetName(1, "udp"));

    [Fact]
    public void GetAliases_aliasOrName_givesSameAliases()
    {
        Assert.Contains("www", ServiceNames.GetAliases("http"));
        Assert.Contains("mail", ServiceNames.GetAliases("mail"));
        Assert.Empty(ServiceNames.GetAliases("smtpx"));
    }

    [Fact]
    public void ForPort_unknownPort_namesPortAndProtocol() =>
        Assert.Equal("no service known for port 12345/udp", ServiceNotFoundException.ForPort(12345, "udp").Message);
}
