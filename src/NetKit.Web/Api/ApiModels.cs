using System.Diagnostics.CodeAnalysis;

namespace NetKit.Web.Api;

// The REST API's JSON shapes (camelCase on the wire, see WebJson). Lists are { total, items }.

public sealed record ListResult<T>(int Total, IReadOnlyList<T> Items);

public sealed record StatusView(string Version, DateTimeOffset StartedAt, IReadOnlyList<NetKit.Services.ListenerStatus> Services);

public sealed record MailboxView(string Account, string Name, long UidValidity, long UidNext, int MessageCount);

/// <summary>One message as lists show it: subject and addresses decoded, a preview of its text.</summary>
public record MessageSummaryView
{
    public required long Id { get; init; }
    public required string Account { get; init; }
    public required string Mailbox { get; init; }
    public required long Uid { get; init; }
    public required string From { get; init; }
    public required IReadOnlyList<string> To { get; init; }
    public required IReadOnlyList<string> Cc { get; init; }
    public required string Subject { get; init; }
    public required DateTimeOffset? Date { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required long Size { get; init; }
    public required IReadOnlyList<string> Flags { get; init; }
    public required bool HasAttachments { get; init; }
    public required string Preview { get; init; }
}

/// <summary>One message in full: the summary, its headers, its text, whether it has HTML, its attachments.</summary>
public sealed record MessageDetailView : MessageSummaryView
{
    [SetsRequiredMembers]
    public MessageDetailView(MessageSummaryView summary)
        : base(summary)
    {
    }

    public IReadOnlyList<HeaderView> Headers { get; init; } = [];
    public string Text { get; init; } = "";
    public bool HasHtml { get; init; }
    public IReadOnlyList<AttachmentView> Attachments { get; init; } = [];
}

public sealed record HeaderView(string Name, string Value);

public sealed record AttachmentView(int Index, string FileName, string ContentType, long Size);

public sealed record DeletedCountView(int Deleted);

public sealed record DeletedIdsView(IReadOnlyList<long> Ids);

public sealed record NewsGroupView(string Name, string Description, bool Moderated, long Count, long Low, long High);

public sealed record NewsArticleSummaryView(long Number, string MessageId, string Subject, string From, DateTimeOffset? Date, IReadOnlyList<string> References, int Depth);

public sealed record NewsArticleView(long Number, string MessageId, string Subject, string From, DateTimeOffset? Date, IReadOnlyList<HeaderView> Headers, string Text);

public sealed record DirectoryView(string Path, IReadOnlyList<FileEntryView> Items);

public sealed record FileEntryView(string Name, string Type, long Size, DateTimeOffset Modified);
