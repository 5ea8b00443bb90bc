using NetKit.Mail;
using NetKit.Nntp;
using NetKit.Services;

namespace NetKit.Web.Api;

/// <summary>What the endpoints read: the run's context (stores, roots, listeners), the mail feed, when the web service started.</summary>
internal sealed record WebState(ServeContext Context, MailFeed? Feed, DateTimeOffset StartedAt)
{
    public MailStore? Mail => Context.Store;

    public NewsStore? News => Context.News?.Store;
}
