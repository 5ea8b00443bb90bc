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
    /// <summary>NNTP's settings and its news store (DIR/news.db), when this run serves news.</summary>
    public (NetKit.Nntp.Server.NntpServerOptions Options, NetKit.Nntp.NewsStore Store)? News { get; init; }
}

/// <summary>The stream side of a service for one run: its handler and what a refused connection hears.</summary>
public sealed record StreamService(ConnectionHandler Handler, Func<NetConnection, CancellationToken, Task>? OnRejected = null);
