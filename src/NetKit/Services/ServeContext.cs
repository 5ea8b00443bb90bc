using Microsoft.Extensions.Logging;
using NetKit.Smtp.Server;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>
/// What one run of a server host (such as <c>netkit serve</c>) gives services that
/// keep state: their settings, the store they write to, the logging.
/// </summary>
public sealed record ServeContext(ILoggerFactory Logging, SmtpServerOptions Smtp, ISmtpMessageStore MailStore)
{
    /// <summary>The mail store itself, for services that show its users and mailboxes (telnet's console).</summary>
    public NetKit.Mail.MailStore? Mail { get; init; }

    /// <summary>Telnet's settings (login or not); null: the defaults.</summary>
    public NetKit.Telnet.TelnetServerOptions? Telnet { get; init; }
}

/// <summary>The stream side of a service for one run: its handler and what a refused connection hears.</summary>
public sealed record StreamService(ConnectionHandler Handler, Func<NetConnection, CancellationToken, Task>? OnRejected = null);
