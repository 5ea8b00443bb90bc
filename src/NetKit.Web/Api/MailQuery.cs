using NetKit.Mail;

namespace NetKit.Web.Api;

/// <summary>
/// A search over messages: each field a case-insensitive substring of its header (to: of the
/// To/Cc headers or the envelope), <c>q</c> any of from/to/subject/text, <c>since</c> the
/// receipt time. The body is only read when a text condition needs it.
/// </summary>
internal sealed record MailQuery(string? From, string? To, string? Subject, string? Text, string? Q, DateTimeOffset? Since)
{
    public bool NeedsBody => Has(Text) || Has(Q);

    /// <summary>Whether a message matches; <paramref name="text"/> gives its text when a condition needs it.</summary>
    public async ValueTask<bool> MatchesAsync(MessageSummary message, Func<ValueTask<string>> text)
    {
        if (Since is { } since && message.InternalDate < since)
        {
            return false;
        }

        if (!Contains(message.From, From) || !Contains(message.Subject, Subject) || (Has(To) && !MatchesTo(message, To!)))
        {
            return false;
        }

        if (Has(Text) && !Contains(await text().ConfigureAwait(false), Text))
        {
            return false;
        }

        if (!Has(Q))
        {
            return true;
        }

        return Contains(message.From, Q) || Contains(message.Subject, Q) || MatchesTo(message, Q!) || Contains(await text().ConfigureAwait(false), Q);
    }

    private static bool MatchesTo(MessageSummary message, string value) =>
        Contains(message.To, value) || message.Recipients.Any(r => Contains(r, value));

    private static bool Has(string? value) => !string.IsNullOrEmpty(value);

    private static bool Contains(string field, string? value) =>
        !Has(value) || field.Contains(value!, StringComparison.OrdinalIgnoreCase);
}
