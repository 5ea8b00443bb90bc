using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetKit.Nntp.Server;

/// <summary>An article checked for storing: its final bytes, message-id and groups, or why it is refused.</summary>
internal sealed record NntpCheckedArticle(byte[] Raw, string MessageId, IReadOnlyList<string> Groups, bool Approved);

/// <summary>
/// RFC 5536/5537 checks on a posted or offered article: a header section that parses,
/// From, Subject and Newsgroups present, a valid Message-ID. POST adds Message-ID,
/// Date and Path when missing (in front; the rest stays byte-exact); IHAVE adds nothing,
/// since a peer's article must arrive as it left.
/// </summary>
internal static class NntpArticleCheck
{
    public static NntpCheckedArticle Check(byte[] raw, string hostName, bool complete, out string? refusal)
    {
        refusal = null;
        var headers = NntpArticleHeaders.Parse(raw);
        if (headers.Malformed)
        {
            refusal = "the header section is malformed (a line without a colon, or no empty line before the body)";
            return null!;
        }

        foreach (var required in (string[])["From", "Subject", "Newsgroups"])
        {
            if (string.IsNullOrWhiteSpace(headers[required]))
            {
                refusal = $"the {required} header is missing";
                return null!;
            }
        }

        var groups = headers["Newsgroups"]!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (groups.Length == 0 || !groups.All(NewsStore.IsValidGroupName))
        {
            refusal = "the Newsgroups header is not a list of group names";
            return null!;
        }

        var id = headers["Message-ID"];
        if (id is not null && !NntpArticleHeaders.IsMessageId(id))
        {
            refusal = "the Message-ID header is not a valid message-id";
            return null!;
        }

        if (!complete)
        {
            if (id is null || headers["Date"] is null || headers["Path"] is null)
            {
                refusal = "Message-ID, Date and Path are required in a transferred article";
                return null!;
            }

            return new NntpCheckedArticle(raw, id, groups, headers["Approved"] is not null);
        }

        var added = new StringBuilder();
        if (id is null)
        {
            id = $"<{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}@{hostName}>";
            added.Append("Message-ID: ").Append(id).Append("\r\n");
        }

        if (headers["Date"] is null)
        {
            added.Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (headers["Path"] is null)
        {
            added.Append("Path: ").Append(hostName).Append("!not-for-mail\r\n");
        }

        if (added.Length > 0)
        {
            raw = [.. Encoding.ASCII.GetBytes(added.ToString()), .. raw];
        }

        return new NntpCheckedArticle(raw, id, groups, headers["Approved"] is not null);
    }
}
