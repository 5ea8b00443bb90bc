using System.CommandLine;
using NetKit.Web;

namespace NetKit.Cli.Commands;

/// <summary>The options of `netkit serve` that shape its web console: basic auth, or none.</summary>
internal sealed class WebServeOptions
{
    public const string PasswordVariable = "NETKIT_WEB_PASSWORD";

    private readonly Option<string?> _user = new("--web-user")
    {
        Description = "Web console: require HTTP basic auth with this user name (and --web-password or $" + PasswordVariable + ").",
    };

    private readonly Option<string?> _password = new("--web-password")
    {
        Description = "Web console: the basic auth password (better: $" + PasswordVariable + ", which `ps` does not show).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_user);
        command.Options.Add(_password);
    }

    public WebServerOptions Read(ParseResult parse)
    {
        var user = parse.GetValue(_user);
        var password = parse.GetValue(_password) ?? Environment.GetEnvironmentVariable(PasswordVariable);
        if (user is null)
        {
            return parse.GetValue(_password) is null
                ? new WebServerOptions()
                : throw new UsageException("--web-password needs --web-user");
        }

        if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
        {
            throw new UsageException("--web-user must be a non-empty name without ':'");
        }

        return string.IsNullOrEmpty(password)
            ? throw new UsageException($"--web-user needs --web-password or ${PasswordVariable}")
            : new WebServerOptions { User = user, Password = password };
    }
}
