using System.CommandLine;
using NetKit.Mail;
using NetKit.Telnet;

namespace NetKit.Cli.Commands;

/// <summary>The options of `netkit serve` that shape its Telnet service.</summary>
internal sealed class TelnetServeOptions
{
    private readonly Option<bool> _login = new("--telnet-login")
    {
        Description = "Telnet: ask for a user name and password (`netkit users add`) before the console.",
    };

    public void AddTo(Command command) => command.Options.Add(_login);

    /// <summary>The Telnet options as given; the login checks against <paramref name="users"/> once the store is open.</summary>
    public Func<MailStore, TelnetServerOptions> Read(ParseResult parse)
    {
        var login = parse.GetValue(_login);
        return store => new TelnetServerOptions
        {
            Login = login ? async (user, password, ct) => await store.VerifyPasswordAsync(user, password, ct) is not null : null,
        };
    }
}
