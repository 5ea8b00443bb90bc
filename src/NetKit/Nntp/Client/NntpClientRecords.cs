using MimeKit;

namespace NetKit.Nntp.Client;

/// <summary>GROUP's answer (and a LIST ACTIVE line): count, low and high water marks, name; Status from LIST ACTIVE ("y", "n", "m").</summary>
public sealed record NntpGroupInfo(string Name, long Count, long Low, long High, string Status = "");

/// <summary>An article as fetched: its number (0 by message-id), message-id and bytes; <see cref="Message"/> parses them with MimeKit.</summary>
public sealed record NntpArticle(long Number, string MessageId, byte[] Raw)
{
    public MimeMessage Message => MimeMessage.Load(new MemoryStream(Raw, writable: false));
}

/// <summary>STAT, NEXT and LAST: where the server's current article now is.</summary>
public sealed record NntpArticlePointer(long Number, string MessageId);
