using System.Text.Json;
using System.Text.Json.Serialization;
using NetKit.Services;

namespace NetKit.Web.Api;

/// <summary>Source-generated JSON for the API's shapes: camelCase, ISO 8601 dates with their offset.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(ListenerStatus))]
[JsonSerializable(typeof(ListResult<MailboxView>))]
[JsonSerializable(typeof(ListResult<MessageSummaryView>))]
[JsonSerializable(typeof(MessageSummaryView))]
[JsonSerializable(typeof(MessageDetailView))]
[JsonSerializable(typeof(DeletedCountView))]
[JsonSerializable(typeof(DeletedIdsView))]
[JsonSerializable(typeof(ListResult<NewsGroupView>))]
[JsonSerializable(typeof(ListResult<NewsArticleSummaryView>))]
[JsonSerializable(typeof(NewsArticleView))]
[JsonSerializable(typeof(DirectoryView))]
internal sealed partial class WebJson : JsonSerializerContext;
