using NetKit.Cli.Commands;
using NetKit.Transport;

namespace NetKit.Tests.Imap;

/// <summary>`netkit serve`'s idle timeout for IMAP: at least RFC 3501's 30 minutes unless the user chose one.</summary>
public sealed class ImapServeIdleTimeoutTests
{
    private static readonly StreamServerOptions Default = new() { IdleTimeout = TimeSpan.FromMinutes(5) };

    [Fact]
    public void ForService_imapWithTheDefault_getsAtLeast31Minutes() =>
        Assert.Equal(TimeSpan.FromMinutes(31), ServeCommand.ForService("imap", Default, idleTimeoutGiven: false).IdleTimeout);

    [Fact]
    public void ForService_imapWithAnExplicitTimeout_keepsIt() =>
        Assert.Equal(TimeSpan.FromMinutes(5), ServeCommand.ForService("imap", Default, idleTimeoutGiven: true).IdleTimeout);

    [Fact]
    public void ForService_otherServices_keepTheGlobalTimeout() =>
        Assert.Same(Default, ServeCommand.ForService("pop3", Default, idleTimeoutGiven: false));

    [Fact]
    public void ForService_imapWithALongerDefault_keepsIt()
    {
        var longer = Default with { IdleTimeout = TimeSpan.FromHours(2) };
        Assert.Same(longer, ServeCommand.ForService("imap", longer, idleTimeoutGiven: false));
    }
}
