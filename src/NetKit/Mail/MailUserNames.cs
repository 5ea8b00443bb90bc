using System.Text.RegularExpressions;

namespace NetKit.Mail;

/// <summary>User names: letters, digits, '.', '_' and '-', 1 to 64 of them, compared and stored in lower case.</summary>
internal static partial class MailUserNames
{
    public static bool TryNormalize(string? name, out string normalized)
    {
        normalized = name is not null && Pattern().IsMatch(name) ? name.ToLowerInvariant() : "";
        return normalized.Length > 0;
    }

    public static string Normalize(string name) =>
        TryNormalize(name, out var normalized)
            ? normalized
            : throw new MailStoreException($"invalid user name \"{name}\": use 1-64 letters, digits, '.', '_' or '-'");

    /// <summary>An account is a user name or, for catch-all mail, a full address; both compare in lower case.</summary>
    public static string NormalizeAccount(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var trimmed = account.Trim();
        if (trimmed.Length is 0 or > 320 || trimmed.Any(char.IsControl))
        {
            throw new MailStoreException($"invalid account \"{account}\"");
        }

        return trimmed.ToLowerInvariant();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
